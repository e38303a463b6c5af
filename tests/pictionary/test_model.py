"""The bundled guesser: what ships, how well it does on held-out real drawings, and its API."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from looplab.imaging.strokes import StrokeError
from looplab.pictionary import quickdraw
from looplab.pictionary.model import ASSETS, Guesser, top_k_metrics
from looplab.pictionary.words import starter_words

PER_CLASS = 150  # held-out rows per class used here: the first 150 of the last 15% of each file


@pytest.fixture(scope="module")
def guesser() -> Guesser:
    return Guesser.from_bundled()


@pytest.fixture(scope="module")
def holdout(bitmaps_dir: Path, guesser: Guesser) -> quickdraw.Split:
    return quickdraw.load_split(bitmaps_dir, guesser.classes, limit=PER_CLASS)


def test_bundled_assets_are_small_and_described(bitmaps_dir: Path):
    for name in ("model.onnx", "state_dict.npz", "model.json"):
        assert (ASSETS / name).stat().st_size < 2_000_000
    metadata = json.loads((ASSETS / "model.json").read_text())
    assert metadata["classes"] == sorted(w.word for w in starter_words())
    assert metadata["input"]["shape"] == ["batch", 1, 28, 28]
    assert metadata["artifacts"]["state_dict"].startswith("state_dict.npz")
    holdout = metadata["metrics"]["holdout_bitmaps"]
    assert holdout["top1"] >= 0.92 and holdout["top3"] >= 0.975
    sizes = [len(quickdraw.load_bitmaps(bitmaps_dir / f"{name}.npy")) for name in metadata["classes"]]
    assert holdout["n"] == sum(n - quickdraw.holdout_start(n) for n in sizes)  # the documented split


def test_serving_does_not_import_torch():
    code = (
        "import sys; from looplab.pictionary.model import Guesser; "
        "print(Guesser.from_bundled().guess([[[0, 100, 100, 0, 0], [0, 0, 100, 100, 0]]])); "
        "assert 'torch' not in sys.modules, 'torch imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_accuracy_on_held_out_real_bitmaps(guesser: Guesser, holdout: quickdraw.Split):
    metrics = top_k_metrics(guesser.probabilities(holdout.test_x), holdout.test_y, guesser.classes)
    assert metrics["n"] == len(holdout.test_x) == 16 * PER_CLASS + 4 * 120  # four files have 800 rows
    assert metrics["top1"] >= 0.91
    assert metrics["top3"] >= 0.97
    assert min(row["top1"] for row in metrics["per_class"].values()) >= 0.75


def test_real_strokes_through_the_game_path_score_like_bitmaps(
    guesser: Guesser, holdout: quickdraw.Split, strokes_dir: Path
):
    names = [n for n in guesser.classes if (strokes_dir / f"{n}.ndjson").exists()]
    assert len(names) >= 16
    hits1 = hits3 = total = 0
    for name in names:
        for drawing in quickdraw.load_strokes(strokes_dir / f"{name}.ndjson"):
            words = [w for w, _ in guesser.guess(drawing, k=3)]
            hits1 += words[0] == name
            hits3 += name in words
            total += 1
    assert total == 25 * len(names)
    mask = np.isin(holdout.test_y, [guesser.classes.index(n) for n in names])
    bitmaps = top_k_metrics(guesser.probabilities(holdout.test_x[mask]), holdout.test_y[mask], guesser.classes)
    assert hits1 / total >= 0.88
    assert hits3 / total >= 0.96
    assert hits1 / total >= bitmaps["top1"] - 0.05  # 400 drawings: a 5-point margin is about 2 standard errors


def test_guess_restricted_to_enabled_words(guesser: Guesser):
    circle = [
        [
            [50 + 40 * np.cos(a) for a in np.linspace(0, 6.3, 40)],
            [50 + 40 * np.sin(a) for a in np.linspace(0, 6.3, 40)],
        ]
    ]
    everything = guesser.guess(circle, k=20)
    assert len(everything) == 20 and sum(p for _, p in everything) == pytest.approx(1, abs=1e-4)
    limited = guesser.guess(circle, k=3, words=["banana", "house", "not a class"])
    assert {w for w, _ in limited} <= {"banana", "house"}
    assert sum(p for _, p in limited) == pytest.approx(1, abs=1e-4)
    assert guesser.guess(circle, words=[]) == []


def test_guess_bitmaps_shapes_and_dtype(guesser: Guesser, holdout: quickdraw.Split):
    one = guesser.guess_bitmaps(holdout.test_x[0])
    assert len(one) == 1 and len(one[0]) == 3
    assert guesser.guess_bitmaps(holdout.test_x[:5].reshape(5, 784), k=1)[0] == [one[0][0]]
    with pytest.raises(ValueError, match="uint8"):
        guesser.probabilities(holdout.test_x[:2].astype(np.float32))


def test_bad_strokes_raise_a_stroke_error(guesser: Guesser):
    with pytest.raises(StrokeError, match="empty"):
        guesser.guess([])


def test_from_bytes_matches_bundled(guesser: Guesser, holdout: quickdraw.Split):
    other = Guesser.from_bytes((ASSETS / "model.onnx").read_bytes(), (ASSETS / "model.json").read_text())
    assert np.allclose(other.probabilities(holdout.test_x[:50]), guesser.probabilities(holdout.test_x[:50]))
    assert other.version == guesser.version
