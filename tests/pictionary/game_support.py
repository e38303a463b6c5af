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
    platform.registry.register("pictionary", "tiny-test", tiny_model(), status="champion", notes="test model")


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
