"""``looplab alliance ingest PATH...`` against a real server process: uploads, follows the job, reports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from looplab.api_client import ApiClient
from tests.alliance.ingest_helpers import screenshot

VALUES = [12_400, 34_100, 5_600, 78_000, 9_100, 23_000]
# The command is added to the alliance Typer app by importing looplab.alliance.cli_online.
RUN = "import looplab.alliance.cli_online; from looplab.alliance.cli import app; app(prog_name='looplab alliance')"


def test_cli_ingest_uploads_a_folder_and_reports_each_file(live_server, tmp_path: Path):
    client = ApiClient(live_server)
    client.login("admin", "admin-password")
    folder = tmp_path / "shots"
    folder.mkdir()
    (folder / "Screenshot.png").write_bytes(screenshot(6, VALUES))
    os.utime(folder / "Screenshot.png", (1_762_900_000, 1_762_900_000))  # no date in the name: the mtime's day
    (folder / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n truncated")
    (folder / "notes.md").write_text("not picked from a folder")
    env = {**os.environ, "LOOPLAB_SERVER_URL": live_server, "LOOPLAB_TOKEN": client.token}
    done = subprocess.run(
        [sys.executable, "-c", RUN, "ingest", str(folder), "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 1, done.stderr  # one file was rejected
    [job] = json.loads(done.stdout)
    outcomes = {o["name"]: o for o in job["result"]["outcomes"]}
    assert set(outcomes) == {"Screenshot.png", "broken.png"}
    assert outcomes["Screenshot.png"]["status"] == "booked"
    assert outcomes["Screenshot.png"]["day"] == date.fromtimestamp(1_762_900_000).isoformat()
    assert outcomes["broken.png"]["status"] == "rejected" and "truncated" in outcomes["broken.png"]["reason"]
    assert "%" in done.stderr  # the tqdm bar
    assert len(client.get("/api/alliance/members")["members"]) >= 5


def test_cli_ingest_refuses_missing_files(tmp_path: Path):
    env = {**os.environ, "LOOPLAB_SERVER_URL": "http://127.0.0.1:9", "LOOPLAB_TOKEN": "x"}
    done = subprocess.run(
        [sys.executable, "-c", RUN, "ingest", str(tmp_path / "nope.png")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and "not found" in done.stderr
