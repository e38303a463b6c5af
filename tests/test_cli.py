from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx

from tests.services import free_port


def looplab(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "looplab.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
    )


def test_help_lists_every_app_and_platform_verb() -> None:
    out = looplab("--help")
    assert out.returncode == 0
    for verb in (
        "up",
        "serve",
        "console",
        "users",
        "jobs",
        "models",
        "notify",
        "alliance",
        "pictionary",
        "digits",
    ):
        assert verb in out.stdout, verb


def test_help_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys; from typer.testing import CliRunner; from looplab.cli import app;"
        "CliRunner().invoke(app, ['--help']);"
        "heavy = ('torch', 'onnxruntime', 'cv2', 'sklearn', 'umap', 'sqlalchemy', 'fastapi', 'streamlit');"
        "heavy = [m for m in heavy if m in sys.modules];"
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_users_create_offline_then_refuses_duplicates(tmp_path: Path) -> None:
    env = {"LOOPLAB_DATA_DIR": str(tmp_path / "data")}
    first = looplab("users", "create", "chief", "--admin", "--password", "chief-password", env=env)
    assert first.returncode == 0 and "created admin chief" in first.stdout, first.stderr
    again = looplab("users", "create", "chief", "--password", "chief-password", env=env)
    assert again.returncode == 1 and "taken" in again.stderr


def test_serve_with_an_unreachable_database_explains_instead_of_a_traceback() -> None:
    env = {
        "LOOPLAB_DATABASE_URL": f"postgresql://looplab:pw@127.0.0.1:{free_port()}/looplab",
        "LOOPLAB_SECRET_KEY": "k",
        "LOOPLAB_DB_CONNECT_ATTEMPTS": "2",
        "LOOPLAB_DB_CONNECT_DELAY_S": "0.1",
    }
    out = looplab("serve", "--port", str(free_port()), env=env)
    assert out.returncode == 2
    assert "cannot reach the database" in out.stderr and "LOOPLAB_DATABASE_URL" in out.stderr
    assert "Traceback" not in out.stderr


def test_serve_with_an_unwritable_blob_store_explains(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    env = {"LOOPLAB_DATA_DIR": str(tmp_path / "data"), "LOOPLAB_BLOB_URL": str(blocker / "blobs")}
    out = looplab("serve", "--port", str(free_port()), env=env)
    assert out.returncode == 2
    assert "not writable" in out.stderr and "LOOPLAB_BLOB_URL" in out.stderr
    assert "Traceback" not in out.stderr


def test_demo_job_from_the_cli_shows_progress(live_server: str, tmp_path: Path) -> None:
    token = httpx.post(live_server + "/api/auth/login", json={"name": "admin", "password": "admin-password"}).json()[
        "token"
    ]
    env = {"LOOPLAB_SERVER_URL": live_server, "LOOPLAB_TOKEN": token}
    out = looplab("jobs", "demo", "--steps", "3", "--delay", "0.2", env=env)
    assert out.returncode == 0, out.stderr
    assert "100%" in out.stderr  # the tqdm bar
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["state"] == "succeeded" and result["result"]["sum"] == 6
    anonymous = looplab(
        "jobs",
        "list",
        env={"LOOPLAB_SERVER_URL": live_server, "LOOPLAB_CREDENTIALS": str(tmp_path / "none.json")},
    )
    assert anonymous.returncode == 1 and "401" in anonymous.stderr and "looplab login" in anonymous.stderr
