"""Alliance ingest figures: screenshots per second through the whole ingest (upload, worker OCR, crops,
label candidates, booking, counters, alerts), cold (the job also starts the worker process) and warm,
beside the bare reader on the same screenshots in the same run; and the members table's answer time.

Usage: .venv/bin/python bench/alliance_ingest.py [--screens 6]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
sys.path.insert(0, str(REPO))
VALUES = [12_400, 34_100, 5_600, 78_000, 9_100, 23_000]


def make_screens(count: int) -> list[bytes]:
    """Synthetic alliance screens of six members, seeds 6 and 8 in turn (both read well), values growing a day."""
    from tests.alliance.ingest_helpers import screenshot

    return [screenshot(seed, [v + day for v in VALUES]) for day, seed in enumerate([6, 8] * (count // 2))]


def ingest(client, files: list[tuple[str, bytes]], timeout: float | None = None) -> dict:  # noqa: ANN001
    """Uploads ``(name, png)`` pairs to /api/alliance/ingest (an admin's client: TestClient or httpx) and waits
    for the job to end; returns the job."""
    response = client.post("/api/alliance/ingest", files=[("files", (n, data, "image/png")) for n, data in files])
    response.raise_for_status()
    job = response.json()
    deadline = None if timeout is None else time.monotonic() + timeout
    while job["state"] in ("queued", "running"):
        if deadline is not None and time.monotonic() > deadline:
            raise TimeoutError(f"ingest job {job['id']} still {job['state']} after {timeout} s")
        time.sleep(0.1)
        job = client.get(f"/api/jobs/{job['id']}").json()
    return job


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--screens", type=int, default=6)
    args = parser.parse_args()

    from fastapi.testclient import TestClient

    from looplab.alliance.reader import read_screenshot
    from looplab.imaging.decode import decode_image
    from looplab.server.app import create_app
    from looplab.settings import Settings

    shots = make_screens(args.screens)

    start = time.perf_counter()
    for data in shots:
        read_screenshot(decode_image(data))
    reader_s = time.perf_counter() - start

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            data_dir=Path(tmp) / "data",
            input_dir=Path(tmp) / "input",
            secret_key="bench",
            admin_user="admin",
            admin_password="admin-password",
        )
        with TestClient(create_app(settings)) as client:
            token = client.post("/api/auth/login", json={"name": "admin", "password": "admin-password"}).json()["token"]
            client.cookies.clear()
            client.headers["Authorization"] = f"Bearer {token}"
            timings = []
            for batch in range(2):  # the first batch also starts the worker process (cold), the second is warm
                files = [(f"guild_2025{batch + 11:02d}{i + 1:02d}.png", data) for i, data in enumerate(shots)]
                start = time.perf_counter()
                job = ingest(client, files)
                timings.append(time.perf_counter() - start)
                assert job["state"] == "succeeded", job
                shots = [data + b"\0" for data in shots]  # new content (PNG ignores trailing bytes): not duplicates
            start = time.perf_counter()
            repeats = 20
            for _ in range(repeats):
                members = client.get("/api/alliance/members").json()
            table_ms = (time.perf_counter() - start) / repeats * 1000

    figures = {
        "screens": len(shots),
        "reader_only_s": round(reader_s, 2),
        "ingest_cold_s": round(timings[0], 2),
        "ingest_warm_s": round(timings[1], 2),
        "warm_overhead_per_screen_s": round((timings[1] - reader_s) / len(shots), 2),
        "screens_per_s_ingest_warm": round(len(shots) / timings[1], 3),
        "screens_per_s_reader": round(len(shots) / reader_s, 3),
        "members_table_ms": round(table_ms, 1),
        "members": len(members["members"]),
        "days": len(members["days"]),
        "booked_files": job["result"]["booked_files"],
    }
    print(json.dumps(figures, indent=2))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "alliance_ingest.json").write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
