"""Helpers for the game's tests: a tiny real model (trained once per test process), servers, drawings."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from tests.conftest import SHARED_DATA

QUICKDRAW = SHARED_DATA / "quickdraw"
STROKES = SHARED_DATA / "quickdraw_strokes"


@lru_cache(maxsize=1)
def tiny_model() -> dict[str, bytes]:
    """A small guesser over the 20 starter words, trained on 250 real bitmaps per word (a few seconds)."""
    import pytest

    if not QUICKDRAW.is_dir():
        pytest.skip(f"SKIPPED LOUDLY: real Quick, Draw! bitmaps missing at {QUICKDRAW}")
    from looplab.pictionary.training import train_model
    from looplab.pictionary.words import starter_words

    classes = [w.word for w in starter_words()]
    onnx, state, metadata = train_model(QUICKDRAW, classes=classes, limit=250, epochs=2, width=16, threads=1)
    return {"model.onnx": onnx, "model.json": json.dumps(metadata).encode(), "state_dict.npz": state}


def install_tiny_champion(platform) -> None:  # noqa: ANN001
    """Register the tiny model as the pictionary champion, so tests do not depend on the bundled files."""
    artifacts = tiny_model()
    metrics = json.loads(artifacts["model.json"])["metrics"]
    platform.registry.register(
        "pictionary", "tiny-test", artifacts, metrics=metrics, status="champion", notes="test model"
    )


def pictionary_app(settings, *, start_jobs: bool = True):  # noqa: ANN001, ANN201
    """A TestClient of a server whose pictionary champion is the tiny model, admin ``admin`` / ``admin-password``."""
    from fastapi.testclient import TestClient

    from looplab.platform import Platform
    from looplab.server.app import create_app

    settings.admin_user = "admin"
    settings.admin_password = "admin-password"
    platform = Platform.open(settings)
    install_tiny_champion(platform)
    platform.close()
    return TestClient(create_app(settings, start_jobs=start_jobs))


def load_drawings(word: str, limit: int = 25) -> list[list]:
    path = Path(STROKES) / f"{word}.ndjson"
    lines = path.read_text(encoding="utf-8").splitlines()[:limit]
    return [json.loads(line)["drawing"] for line in lines]


def recognised_drawing(word: str, threshold: float = 0.5) -> list:
    """A real drawing of ``word`` that the tiny model recognises with at least ``threshold``."""
    from looplab.pictionary.model import Guesser

    artifacts = tiny_model()
    guesser = Guesser.from_bytes(artifacts["model.onnx"], artifacts["model.json"])
    for drawing in load_drawings(word):
        top = guesser.guess(drawing, k=1)[0]
        if top[0] == word and top[1] >= threshold:
            return drawing
    raise AssertionError(f"no shared drawing of {word} is recognised by the tiny model")


def store_game(platform, user_id: str, rounds: list[dict]) -> str:  # noqa: ANN001
    """A finished game written through the service, as the socket would: each round is
    ``{"word", "drawing", "recognized", "mode", "guess"}`` (drawing in 0..255 strokes)."""
    from datetime import UTC, datetime

    from looplab.pictionary import service

    words = [service.RoundWord(r["word"], r.get("category", "other"), r.get("mode", "play")) for r in rounds]
    game = service.start_game(platform.db, user_id, words)
    champion = platform.registry.champion("pictionary")
    for number, item in enumerate(rounds, start=1):
        guess = item.get("guess", item["word"] if item.get("recognized") else "house")
        service.save_round(
            platform,
            service.RoundRecord(
                game_id=game.id,
                user_id=user_id,
                round_no=number,
                word=item["word"],
                category=item.get("category", "other"),
                mode=item.get("mode", "play"),
                started_at=datetime.now(UTC),
                duration_ms=item.get("duration_ms", 5000),
                raw_strokes=item["drawing"],
                recognized=bool(item.get("recognized")),
                time_ms=item.get("time_ms", 3000) if item.get("recognized") else None,
                top_guesses=item.get("top_guesses", [guess]),
                final_guesses=[[guess, 0.9]],
                end_reason="recognized" if item.get("recognized") else "timeout",
                model_version_id=champion.id if champion else None,
                model_version=champion.version if champion else None,
            ),
        )
    service.end_game(platform.db, game.id, "finished")
    return game.id
