"""Fine-tuning the bundled model: teach mode (a new word from 20 real stroke drawings) keeps the old words."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from looplab.imaging.strokes import rasterize_many  # noqa: E402
from looplab.pictionary import quickdraw  # noqa: E402
from looplab.pictionary.model import ASSETS, Guesser, top_k_metrics  # noqa: E402
from looplab.pictionary.training import build_model, fine_tune, grow_classifier, model_from_bytes  # noqa: E402

NEW_WORD = "snowman"


def test_state_dict_artifact_reproduces_the_onnx_model(bitmaps_dir: Path):
    guesser = Guesser.from_bundled()
    model = model_from_bytes((ASSETS / "state_dict.npz").read_bytes(), len(guesser.classes))
    images = quickdraw.load_bitmaps(bitmaps_dir / "cat.npy")[-20:]
    with torch.no_grad():
        logits = model(torch.from_numpy(images.astype(np.float32) / 255).unsqueeze(1))
    assert np.allclose(torch.softmax(logits, 1).numpy(), guesser.probabilities(images), atol=1e-4)


def test_grow_classifier_keeps_known_outputs():
    model = build_model(3).eval()
    x = torch.rand(4, 1, 28, 28)
    before = model(x).detach()
    after = grow_classifier(model, 5)(x).detach()
    assert after.shape == (4, 5) and torch.allclose(after[:, :3], before)


def test_teach_mode_learns_a_new_word_and_keeps_the_old_ones(bitmaps_dir: Path, strokes_dir: Path):
    metadata = json.loads((ASSETS / "model.json").read_text())
    classes = metadata["classes"]
    assert NEW_WORD not in classes
    drawings = rasterize_many(quickdraw.load_strokes(strokes_dir / f"{NEW_WORD}.ndjson"))
    assert len(drawings) == 25
    split = quickdraw.load_split(bitmaps_dir, classes)
    replay_x, replay_y, test_x, test_y = [], [], [], []
    for label in range(len(classes)):
        replay_x.append(split.train_x[split.train_y == label][:40])  # replay: 40 training rows per word
        test_x.append(split.test_x[split.test_y == label][:40])  # judged on held-out rows
        replay_y += [label] * 40
        test_y += [label] * 40
    test_x, test_y = np.concatenate(test_x), np.asarray(test_y)
    before = top_k_metrics(Guesser.from_bundled().probabilities(test_x), test_y, classes)

    onnx_bytes, state, new_metadata = fine_tune(
        (ASSETS / "state_dict.npz").read_bytes(),
        classes,
        drawings[:20],
        [NEW_WORD] * 20,
        np.concatenate(replay_x),
        replay_y,
        epochs=4,
    )
    assert new_metadata["classes"] == [*classes, NEW_WORD]
    assert new_metadata["training"]["new_classes"] == [NEW_WORD]
    taught = Guesser.from_bytes(onnx_bytes, new_metadata)
    guesses = taught.guess_bitmaps(drawings[20:], k=3)
    assert sum(g[0][0] == NEW_WORD for g in guesses) >= 4  # 5 held-out drawings of the new word
    assert all(NEW_WORD in [w for w, _ in g] for g in guesses)
    after = top_k_metrics(taught.probabilities(test_x), test_y, taught.classes)
    assert after["top1"] >= before["top1"] - 0.03
    assert len(state) < 2_000_000 and model_from_bytes(state, len(taught.classes)) is not None
