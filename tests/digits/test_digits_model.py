"""The bundled model. It was fitted without labels on all 10,000 MNIST test images, so the MNIST slice
below is not held out from the (unsupervised) fit; only the cluster -> digit mapping used the labels."""

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from digit_synth import synthetic_set

from looplab.digits import mnist
from looplab.digits.model import DigitModel, bundled_assets, load_bundled
from looplab.imaging.decode import encode_png
from looplab.imaging.digit_normalise import DigitError, normalise_digit

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "mnist"
needs_mnist = pytest.mark.skipif(not DATA.is_dir(), reason=f"REAL MNIST MISSING at {DATA}: test skipped")


def test_bundled_assets_are_small_and_keep_the_mappings_apart():
    assets = bundled_assets()
    assert len(assets["digits.onnx"]) < 2_000_000 and len(assets["exemplars.npz"]) < 500_000
    metadata = json.loads(assets["digits.json"])
    assert sorted(metadata["cluster_to_digit_eval"]) == list(range(10))
    assert metadata["cluster_to_digit_named"] is None
    assert metadata["metrics"]["acc"] >= 0.95
    assert load_bundled().exemplars().shape == (10, 8, 28, 28)


@needs_mnist
def test_bundled_model_on_real_mnist():
    images, labels = mnist.load_split(DATA, "t10k")
    digits, clusters, confidences = load_bundled().predict(images[:2000])
    assert (digits == labels[:2000]).mean() >= 0.95
    assert clusters.min() >= 0 and clusters.max() < 10 and (confidences <= 1).all()


@needs_mnist
def test_mnist_digits_survive_the_normaliser_at_any_scale_and_polarity():
    images, labels = mnist.load_split(DATA, "t10k")
    images, labels = images[-500:], labels[-500:]
    model = load_bundled()
    for transform in (lambda image: image, lambda image: 255 - np.kron(image, np.ones((5, 5), np.uint8))):
        normalised = np.stack([normalise_digit(transform(image)) for image in images])
        assert (model.predict(normalised)[0] == labels).mean() >= 0.94


@pytest.mark.parametrize(("kind", "minimum"), [("strokes", 0.95), ("font", 0.7)])
def test_normalised_synthetic_digits_are_recognised(kind, minimum):
    images, labels = synthetic_set(10, kind, seed=123)
    model = load_bundled()
    normalised = np.stack([normalise_digit(image) for image in images])
    digits, _, _ = model.predict(normalised)
    assert (digits == labels).mean() >= minimum, (digits == labels).mean()


def test_admin_naming_wins_over_the_evaluation_mapping():
    assets = bundled_assets()
    metadata = json.loads(assets["digits.json"])
    metadata["cluster_to_digit_named"] = [9 - d for d in metadata["cluster_to_digit_eval"]]
    renamed = DigitModel.from_bytes(assets["digits.onnx"], metadata)
    image = load_bundled().exemplars()[0, 0]
    before, after = load_bundled().predict_one(image), renamed.predict_one(image)
    assert after.cluster == before.cluster and after.digit == 9 - before.digit


def test_upload_prediction_is_fast_and_errors_are_value_errors():
    model = load_bundled()
    upload = encode_png(255 - np.kron(model.exemplars()[3, 0], np.ones((10, 10), np.uint8)))
    model.predict_upload(upload)
    started = time.perf_counter()
    for _ in range(10):
        prediction = model.predict_upload(upload)
    assert (time.perf_counter() - started) / 10 < 0.1
    assert prediction.cluster == 3
    with pytest.raises(DigitError):
        model.predict_upload(encode_png(np.full((50, 50), 255, np.uint8)))


def test_serving_imports_neither_torch_nor_umap():
    code = (
        "import sys, numpy as np; from looplab.digits.model import load_bundled; "
        "load_bundled().predict(np.zeros((1, 28, 28), np.uint8)); "
        "print([m for m in ('torch', 'umap', 'sklearn') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
