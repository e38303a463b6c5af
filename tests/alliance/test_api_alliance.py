"""The alliance API: upload ingest, members and their crops, days, review queue, labels, rules, exports."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from looplab.alliance.models import RegionCrop
from tests.alliance.books_helpers import D1, D2, book, row, set_rules
from tests.alliance.ingest_helpers import NAMES, admin_client, screenshot, wait_for_job

VALUES = [12_400, 34_100, 5_600, 78_000, 9_100, 23_000]


@pytest.fixture
def server(settings) -> Iterator[TestClient]:
    """The server in process on the embedded DuckDB (the OCR tests: PostgreSQL adds time, not coverage)."""
    yield from admin_client(settings)


@pytest.fixture
def server_any(settings, database_url) -> Iterator[TestClient]:
    """The server in process, on DuckDB and on PostgreSQL."""
    settings.database_url = database_url
    yield from admin_client(settings)


def _platform(client: TestClient):  # noqa: ANN202
    return client.app.state.platform


def test_upload_ingest_then_members_crops_day_and_exports(server):
    files = [
        ("files", ("guild_20251111.png", screenshot(6, VALUES), "image/png")),
        ("files", ("broken.jpg", b"\xff\xd8\xff\xe0 not really a jpeg", "image/jpeg")),
    ]
    response = server.post("/api/alliance/ingest", files=files)
    assert response.status_code == 202, response.text
    job = wait_for_job(server, response.json()["id"])
    assert job["state"] == "succeeded", job
    assert (job["result"]["booked_files"], job["result"]["rejected_files"]) == (1, 1)

    table = server.get("/api/alliance/members").json()
    by_name = {m["name"]: m for m in table["members"]}
    assert len(set(by_name) & set(NAMES)) >= 5, by_name
    member = next(m for m in table["members"] if m["name"] in NAMES)
    detail = server.get(f"/api/alliance/members/{member['id']}").json()
    [reading] = detail["readings"]
    crop = server.get(f"/api/alliance/crops/{reading['crops'][0]}")
    assert crop.status_code == 200 and crop.content.startswith(b"\x89PNG")
    assert server.get("/api/alliance/crops/sha256/00/nothing.png").status_code == 404
    assert server.get("/api/alliance/crops/probe/secret").status_code == 404

    day = server.get("/api/alliance/days/2025-11-11").json()
    assert len(day["screenshots"][0]["rows"]) >= 5
    rejected = server.get("/api/alliance/screenshots", params={"status": "rejected"}).json()
    assert [(s["source_name"], "corrupt" in s["reason"] or "not an image" in s["reason"]) for s in rejected] == [
        ("broken.jpg", True)
    ]

    # read the day again (as after a better model was promoted): same screenshots, same books, no duplicates
    again = server.post("/api/alliance/screenshots/reread", json={"day": "2025-11-11"})
    assert again.status_code == 202, again.text
    job = wait_for_job(server, again.json()["id"])
    assert job["state"] == "succeeded" and job["result"]["booked_files"] == 1, job
    assert len(server.get("/api/alliance/screenshots").json()) == 2
    assert server.get("/api/alliance/members").json() == table
    assert server.post("/api/alliance/screenshots/reread", json={"ids": ["nope"]}).status_code == 404

    members_csv = server.get("/api/alliance/export", params={"what": "members"})
    assert members_csv.headers["content-type"].startswith("text/csv")
    text = members_csv.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("member,aliases,first_day,days_seen,days_afk,days_low,afk_streak")
    assert "Célestine" in text or "Wolfgang" in text
    readings_csv = server.get("/api/alliance/export", params={"what": "readings"}).content.decode("utf-8-sig")
    assert len(readings_csv.splitlines()) == 1 + len(table["members"])
    from openpyxl import load_workbook

    book_xlsx = load_workbook(io.BytesIO(server.get("/api/alliance/export", params={"format": "xlsx"}).content))
    assert book_xlsx.sheetnames == ["members", "readings"]
    assert book_xlsx["members"].max_row == 1 + len(table["members"])
    assert server.get("/api/alliance/export", params={"format": "pdf"}).status_code == 422


def test_review_queue_endpoints(server_any):
    platform = _platform(server_any)
    set_rules(platform, columns=["points"])
    book(platform, D1, row("Ana", 10), row("Wolfgang", 20))
    book(platform, D2, row("Ana", 11), row("Wolfi", 21), row("Zed", 3), row("Xavier", 7))
    items = {i["name_read"]: i for i in server_any.get("/api/alliance/review").json()}
    assert set(items) == {"Wolfi", "Zed", "Xavier"}
    members = {m["name"]: m["id"] for m in server_any.get("/api/alliance/members").json()["members"]}
    assigned = server_any.post(
        f"/api/alliance/review/{items['Wolfi']['id']}/assign", json={"member_id": members["Wolfgang"]}
    )
    assert assigned.status_code == 200 and assigned.json()["status"] == "resolved"
    created = server_any.post(f"/api/alliance/review/{items['Zed']['id']}/new-member", json={"name": "Zed [Z]"})
    assert created.status_code == 200
    assert server_any.post(f"/api/alliance/review/{items['Xavier']['id']}/dismiss").status_code == 200
    assert server_any.post(f"/api/alliance/review/{items['Xavier']['id']}/dismiss").status_code == 409
    # the day ingested again with one more new name: the assigned and created names now match directly
    book(platform, D2, row("Ana", 11), row("Wolfi", 21), row("Zed", 3), row("Yuki", 1))
    assert [i["name_read"] for i in server_any.get("/api/alliance/review").json()] == ["Yuki"]
    assert server_any.post("/api/alliance/review/new-members", params={"day": "2025-11-12"}).json() == {
        "created": ["Yuki"]
    }
    assert server_any.post("/api/alliance/review/nope/dismiss").status_code == 404
    assert server_any.get("/api/alliance/review").json() == []
    table = {m["name"]: m for m in server_any.get("/api/alliance/members").json()["members"]}
    assert table["Wolfgang"]["trend"]["points"] == [20, 21] and table["Wolfgang"]["aliases"] == ["Wolfi"]
    assert table["Zed [Z]"]["totals"] == {"points": 3}

    renamed = server_any.post(f"/api/alliance/members/{members['Ana']}/rename", json={"name": "Anabel"})
    assert renamed.json()["aliases"] == ["Ana"]
    merged = server_any.post(f"/api/alliance/members/{table['Zed [Z]']['id']}/merge", json={"into": members["Ana"]})
    assert merged.status_code == 200 and "Zed [Z]" in merged.json()["aliases"]
    assert "Zed [Z]" not in {m["name"] for m in server_any.get("/api/alliance/members").json()["members"]}


def test_rules_api_json_and_toml(server_any):
    assert server_any.get("/api/alliance/rules").json()["rules"]["columns"] == ["points"]
    good = {"columns": ["points", "attacks"], "afk_column": "attacks", "low_column": "points", "low_percentile": 10}
    assert server_any.put("/api/alliance/rules", json=good).status_code == 200
    got = server_any.get("/api/alliance/rules").json()
    assert got["rules"]["afk_column"] == "attacks" and 'afk_column = "attacks"' in got["toml"]
    bad = server_any.put("/api/alliance/rules", json={"columns": ["points"], "afk_column": "attacks"})
    assert bad.status_code == 422 and "afk_column" in bad.json()["detail"]
    toml = 'columns = ["power"]\nafk_alert_days = 5\n'
    assert server_any.put("/api/alliance/rules/toml", json={"toml": toml}).status_code == 200
    assert server_any.get("/api/alliance/rules").json()["rules"]["afk_alert_days"] == 5
    assert server_any.put("/api/alliance/rules/toml", json={"toml": "columns = ["}).status_code == 422


def test_labelling_least_confident_first_with_undo(server_any):
    platform = _platform(server_any)
    with platform.db.session() as session:
        for confidence in (0.9, 0.4, 0.7):
            key = platform.blobs.put(f"crop {confidence}".encode(), "png")
            session.add(RegionCrop(blob_key=key, box=[0, 0, 1, 1], predicted="name", confidence=confidence))
    queue = server_any.get("/api/alliance/labels/next", params={"limit": 2}).json()
    assert [c["confidence"] for c in queue] == [0.4, 0.7]
    assert server_any.post(f"/api/alliance/labels/{queue[0]['id']}", json={"label": "number"}).status_code == 200
    assert server_any.post(f"/api/alliance/labels/{queue[1]['id']}", json={"label": "banana"}).status_code == 422
    assert [c["confidence"] for c in server_any.get("/api/alliance/labels/next").json()] == [0.7, 0.9]
    stats = server_any.get("/api/alliance/labels/stats").json()
    assert stats == {"total": 3, "labeled": 1, "unlabeled": 2, "per_label": {"name": 0, "number": 1, "other": 0}}
    assert server_any.post(f"/api/alliance/labels/{queue[0]['id']}/undo").status_code == 200
    assert server_any.get("/api/alliance/labels/stats").json()["labeled"] == 0
    with platform.db.session() as session:
        assert session.scalar(select(RegionCrop.label).where(RegionCrop.id == queue[0]["id"])) is None
    too_few = server_any.post("/api/alliance/train", json={"epochs": 1})
    job = wait_for_job(server_any, too_few.json()["id"], 30)
    assert job["state"] == "failed" and "label at least" in job["error"]


def test_players_are_refused(server):
    assert server.post("/api/auth/register", json={"name": "player1", "password": "player-password"}).status_code == 201
    token = server.post("/api/auth/login", json={"name": "player1", "password": "player-password"}).json()["token"]
    server.cookies.clear()
    headers = {"Authorization": f"Bearer {token}"}
    for path in ("/api/alliance/members", "/api/alliance/review", "/api/alliance/export", "/api/alliance/rules"):
        assert server.get(path, headers=headers).status_code == 403, path


def test_alliances_keep_separate_books_and_rules(server_any):
    platform = _platform(server_any)
    from looplab.alliance.service import book_day

    with platform.db.session() as session:
        book_day(session, D1, [row("Ana", 10)])
        book_day(session, D1, [row("Björn", 99)], alliance="north")
    assert server_any.get("/api/alliance/alliances").json() == ["default", "north"]
    assert [m["name"] for m in server_any.get("/api/alliance/members").json()["members"]] == ["Ana"]
    north = server_any.get("/api/alliance/members", params={"alliance": "north"}).json()
    assert [m["name"] for m in north["members"]] == ["Björn"]
    toml = 'columns = ["power"]\n'
    assert (
        server_any.put("/api/alliance/rules/toml", params={"alliance": "north"}, json={"toml": toml}).status_code == 200
    )
    assert server_any.get("/api/alliance/rules", params={"alliance": "north"}).json()["rules"]["columns"] == ["power"]
    assert server_any.get("/api/alliance/rules").json()["rules"]["columns"] == ["points"]
