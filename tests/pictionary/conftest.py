from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


@pytest.fixture(scope="session")
def bitmaps_dir() -> Path:
    path = DATA / "quickdraw"
    if not path.is_dir():
        pytest.skip(f"SKIPPED LOUDLY: real Quick, Draw! bitmaps missing at {path}")
    return path


@pytest.fixture(scope="session")
def strokes_dir() -> Path:
    path = DATA / "quickdraw_strokes"
    if not path.is_dir():
        pytest.skip(f"SKIPPED LOUDLY: real Quick, Draw! strokes missing at {path}")
    return path
