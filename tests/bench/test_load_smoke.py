"""bench/load.py with two players for three seconds: the JSON it promises, no errors, and nothing left behind."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.services import find_postgres_bindir

REPO = Path(__file__).resolve().parents[2]
RUN_KEYS = {
    "mode": str,
    "replicas": int,
    "players": int,
    "guess_p50_ms": float,
    "guess_p99_ms": float,
    "guesses_per_s": float,
    "screenshots_per_min": float,
    "errors": int,
}


def leftovers(marker: str) -> list[int]:
    """Processes whose environment or command line names ``marker``."""
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if any(marker.encode() in Path(entry.path, f).read_bytes() for f in ("environ", "cmdline")):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.postgres
def test_load_bench_smoke(tmp_path: Path) -> None:
    if find_postgres_bindir() is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL server binaries not found (Debian package 'postgresql')")
        pytest.skip("PostgreSQL server binaries not found (Debian package 'postgresql')")
    tmpdir = Path(tempfile.mkdtemp(prefix="looplab-load-smoke-"))  # PostgreSQL's user must reach its data dir
    tmpdir.chmod(0o755)
    out = tmp_path / "load.json"
    command = [sys.executable, "bench/load.py", "--players", "2", "--seconds", "3", "--ingest-seconds", "1"]
    command += ["--screens-per-batch", "1", "--idle-seconds", "0", "--json", "--out", str(out)]
    process = subprocess.Popen(
        command, cwd=REPO, env={**os.environ, "TMPDIR": str(tmpdir)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        stdout, stderr = process.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGTERM)  # the bench cleans up on SIGTERM
        stdout, stderr = process.communicate(timeout=60)
        pytest.fail(f"bench/load.py ran past 300 s\n{stderr.decode()[-3000:]}")
    try:
        assert process.returncode == 0, stderr.decode()[-3000:]
        printed = json.loads(stdout.decode().strip().splitlines()[-1])
        assert printed == json.loads(out.read_text())
        runs = printed["runs"]
        assert [(r["mode"], r["replicas"]) for r in runs] == [("embedded", 1), ("cloud", 1), ("cloud", 2)]
        for run in runs:
            for key, kind in RUN_KEYS.items():
                assert isinstance(run[key], kind), (key, run[key])
            assert run["players"] == 2
            assert run["errors"] == 0, run["error_samples"]
            assert run["guesses_per_s"] > 0 and run["screenshots_per_min"] > 0
            assert 0 < run["guess_p50_ms"] <= run["guess_p99_ms"]
        assert printed["ratio_two_to_one_replicas_guesses_per_s"] > 0
        assert printed["one_core_per_replica"]["server_cpu_ms_per_guess"] > 0
        assert list(tmpdir.iterdir()) == []  # data dirs, PostgreSQL's cluster, logs: all removed
        assert leftovers(str(tmpdir)) == []  # servers, workers, PostgreSQL, the S3 endpoint: all stopped
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
