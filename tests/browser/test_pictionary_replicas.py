"""Two stateless replicas on PostgreSQL + S3 behind a load balancer: the replica holding a player's game dies
mid-game, the page reconnects through the balancer to the other replica and the game goes on to the end."""

from __future__ import annotations

import contextlib

import pytest
from sqlalchemy import create_engine, text

from tests.balancer import Balancer
from tests.browser.test_pictionary_game import WORD, _draw
from tests.pictionary.game_support import install_tiny_champion, recognised_drawing
from tests.services import looplab_replica

pytestmark = pytest.mark.browser
SECRET = "replicas-test-secret"


def test_a_game_continues_on_another_replica_when_its_replica_dies(page, tmp_path, postgres_url, s3_bucket) -> None:
    from looplab.pictionary import service
    from looplab.platform import Platform
    from looplab.settings import Settings

    blob_url = f"s3://{s3_bucket}/app"
    platform = Platform.open(Settings(database_url=postgres_url, blob_url=blob_url, secret_key=SECRET))
    install_tiny_champion(platform)
    service.ensure_starter_words(platform.db)
    for row in service.list_words(platform.db):
        service.update_word(platform.db, row["id"], {"enabled": row["word"] == WORD}, None)
    platform.close()
    env = {
        "LOOPLAB_DATABASE_URL": postgres_url,
        "LOOPLAB_BLOB_URL": blob_url,
        "LOOPLAB_SECRET_KEY": SECRET,
        "LOOPLAB_PICTIONARY_ROUNDS": "3",
    }
    with contextlib.ExitStack() as stack:
        replicas = [
            stack.enter_context(looplab_replica(tmp_path / f"r{i}", tmp_path / f"r{i}.log", **env)) for i in (0, 1)
        ]
        ports = [replica.port for replica in replicas]
        with Balancer(ports) as balancer:
            drawing = recognised_drawing(WORD)
            page.goto(balancer.url + "/play")
            page.fill("#name", "roamer")
            page.fill("#password", "roamer-password")
            page.click("#register")
            page.click("#start")
            page.wait_for_selector("#word")
            _draw(page, drawing)
            page.wait_for_selector("#result:not(.hidden)", timeout=25_000)
            assert "Recognised" in page.text_content("#result-text")
            page.click("#next")
            page.wait_for_function("document.getElementById('round-label').textContent.startsWith('Word 2 ')")
            game_id = page.get_attribute("#game", "data-game-id")

            first = balancer.routed[-1]  # the socket's replica: every connection so far went to the first one
            replicas[ports.index(first)].kill()
            balancer.fail(first)
            # the page reconnects through the balancer, to the other replica, and resumes round 2
            page.wait_for_function("document.getElementById('game-error').textContent.includes('reconnecting')")
            page.wait_for_function("document.getElementById('game-error').textContent === ''", timeout=15_000)
            page.wait_for_function("document.getElementById('round-label').textContent.startsWith('Word 2 ')")
            assert ports[1] in balancer.routed
            _draw(page, drawing)
            page.wait_for_selector("#result:not(.hidden)", timeout=25_000)
            assert "Recognised" in page.text_content("#result-text")
            assert page.get_attribute("#game", "data-game-id") == game_id
            page.click("#next")
            page.wait_for_function("document.getElementById('round-label').textContent.startsWith('Word 3 ')")
            page.click("#skip")
            page.wait_for_selector("#end:not(.hidden)")
            assert "2 of 3 recognised" in page.text_content("#end-summary")
            assert page.locator("#thumbs img").count() == 2
            assert set(balancer.routed[balancer.routed.index(ports[1]) :]) == {ports[1]}
    engine = create_engine(postgres_url)
    with engine.connect() as connection:
        state = connection.execute(text("SELECT state FROM pictionary_games WHERE id = :g"), {"g": game_id}).scalar()
        rounds = connection.execute(
            text("SELECT round_no, recognized FROM pictionary_rounds WHERE game_id = :g ORDER BY round_no"),
            {"g": game_id},
        ).all()
    engine.dispose()
    assert state == "finished"
    assert [tuple(r) for r in rounds] == [(1, True), (2, True), (3, False)]  # each round once, none lost
