from pathlib import Path

import numpy as np
import pytest

from looplab.digits import mnist
from looplab.digits.model import DigitModel
from looplab.digits.training import train_default_model

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "mnist"


@pytest.mark.skipif(not DATA.is_dir(), reason=f"REAL MNIST MISSING at {DATA}: training test skipped")
def test_tiny_training_run_produces_servable_artifacts(tmp_path):
    images, labels = mnist.load_split(DATA, "t10k")
    images, labels = images[-600:], labels[-600:]
    calls = []
    artifacts = train_default_model(
        images, lambda f, m: calls.append((f, m)), labels=labels, self_train_epochs=3, threads=1
    )
    fractions = [f for f, _ in calls]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and all(isinstance(m, str) for _, m in calls)
    meta = artifacts.metadata
    assert meta["cluster_to_digit_named"] is None and sorted(meta["cluster_to_digit_eval"]) == list(range(10))
    assert meta["metrics"]["acc"] >= 0.7 and len(meta["metrics"]["purity"]) == 10
    artifacts.save(tmp_path)
    model = DigitModel.from_dir(tmp_path)
    digits, clusters, _ = model.predict(images)
    assert (digits == labels).mean() >= 0.7
    assert model.exemplars().shape == (10, 8, 28, 28)


def test_without_labels_there_is_no_digit_mapping():
    rng = np.random.default_rng(0)
    blobs = np.zeros((300, 28, 28), np.uint8)
    for i in range(300):  # three kinds of image: a bar, a block, a cross
        kind = i % 3
        r, c = rng.integers(6, 12, 2)
        if kind == 0:
            blobs[i, r : r + 12, c + 4 : c + 7] = 255
        elif kind == 1:
            blobs[i, r : r + 8, c : c + 8] = 255
        else:
            blobs[i, r + 5 : r + 7, c : c + 12] = 255
            blobs[i, r : r + 12, c + 5 : c + 7] = 255
    artifacts = train_default_model(blobs, n_clusters=3, self_train_epochs=2, threads=1)
    assert artifacts.metadata["cluster_to_digit_eval"] is None and artifacts.metadata["metrics"] is None
    model = DigitModel.from_bytes(artifacts.onnx, artifacts.metadata)
    digit, cluster, _ = model.predict(blobs[:3])
    assert (digit == -1).all() and len(set(cluster.tolist())) == 3
