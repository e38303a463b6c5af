"""Files for the ingest tests: small synthetic screenshots with known rows, and bad files of every kind."""

from __future__ import annotations

import io
import struct
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image

from tests.alliance.synth import format_number, make_screenshot


def admin_client(settings) -> Iterator:  # noqa: ANN001
    """A TestClient of a server on ``settings``, logged in as its admin with a bearer token (no cookies)."""
    from fastapi.testclient import TestClient

    from looplab.server.app import create_app

    settings.admin_user, settings.admin_password = "admin", "admin-password"
    with TestClient(create_app(settings)) as client:
        token = client.post("/api/auth/login", json={"name": "admin", "password": "admin-password"}).json()["token"]
        client.cookies.clear()
        client.headers["Authorization"] = f"Bearer {token}"
        yield client


NAMES = ["Ana", "Wolfgang", "Célestine", "[KR] Bjorn", "Mira_77", "Oskar"]


def png(image: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    return buffer.getvalue()


def screenshot(seed: int, values: list[int]) -> bytes:
    """A 720x1600 member list of ``NAMES`` with one number column (seeds 6 and 8 draw no rank column and read well)."""
    members = [(name, [format_number(v, "comma")[0]], [v]) for name, v in zip(NAMES, values, strict=True)]
    return png(make_screenshot(seed, size=(720, 1600), members=members, layout="line", jpeg=False).image)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def decompression_bomb(side: int = 8000) -> bytes:
    """A valid grayscale PNG of ``side``² black pixels: a few tens of KB that would decode to 64 MB."""
    raw = zlib.compress(b"\x00" * ((side + 1) * side), 9)
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", raw) + _chunk(b"IEND", b"")


def other_screen() -> bytes:
    """A picture with shapes and no text: some other screen of the game."""
    image = np.full((1600, 720, 3), 200, np.uint8)
    image[300:500, 100:600] = (40, 60, 90)
    image[900:1100, 200:400] = (200, 40, 40)
    return png(image)


def bad_files(good: bytes) -> dict[str, tuple[bytes, str]]:
    """name -> (content, a phrase its rejection reason must hold)."""
    return {
        "notes.txt": (b"members: Ana, Wolfgang\n", "not an image"),
        "truncated_20251113.png": (good[: len(good) // 2], "truncated"),
        "empty.png": (b"", "empty file"),
        "bomb.png": (decompression_bomb(), "decompression bomb"),
        "settings_screen.png": (other_screen(), "no member rows"),
    }


def wait_until_empty(folder: Path, timeout: float = 150.0) -> list[Path]:
    """Wait until the watcher moved every file out of ``folder``; returns what is left (empty on success)."""
    deadline = time.monotonic() + timeout
    left: list[Path] = []
    while time.monotonic() < deadline:
        left = [p for p in folder.iterdir() if p.is_file()]
        if not left:
            return []
        time.sleep(0.3)
    return left


def wait_for_job(client, job_id: str, timeout: float = 120.0) -> dict:  # noqa: ANN001 - TestClient
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{job_id}").json()
        if job["state"] in ("succeeded", "failed", "interrupted"):
            return job
        time.sleep(0.3)
    raise TimeoutError(f"job {job_id} still {job['state']}")
