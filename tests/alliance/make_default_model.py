"""Rebuild the bundled region classifier from synthetic screens.

Run ``python tests/alliance/make_default_model.py [n_train n_test]``.

Prints held-out accuracy on crops of screens the model did not see.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from looplab.alliance.classifier import CLASSES, DEFAULT_MODEL, RegionClassifier, normalise_crop  # noqa: E402
from looplab.alliance.training import train_region_classifier  # noqa: E402
from looplab.imaging.regions import find_text_regions, to_gray  # noqa: E402
from tests.alliance.synth import labelled_regions, make_screenshot  # noqa: E402


def crops_from_screens(seeds) -> tuple[list[np.ndarray], list[str]]:
    crops, labels = [], []
    for seed in seeds:
        screen = make_screenshot(seed)
        gray = to_gray(screen.image)
        regions = find_text_regions(screen.image)
        for region, label in zip(regions, labelled_regions(screen, regions), strict=True):
            if label is None:
                continue
            crops.append(gray[region.y : region.y2, region.x : region.x2])
            labels.append(label)
    return crops, labels


def main(n_train: int = 160, n_test: int = 40) -> None:
    train_crops, train_labels = crops_from_screens(range(1000, 1000 + n_train))
    test_crops, test_labels = crops_from_screens(range(5000, 5000 + n_test))
    print(
        "train",
        {c: train_labels.count(c) for c in CLASSES},
        "test",
        {c: test_labels.count(c) for c in CLASSES},
    )
    onnx_bytes = train_region_classifier(train_crops, train_labels, progress=lambda f, m: print(m, flush=True))
    classifier = RegionClassifier(onnx_bytes)
    proba = classifier.predict_proba(np.stack([normalise_crop(c) for c in test_crops]))
    predicted = [CLASSES[i] for i in proba.argmax(axis=1)]
    accuracy = float(np.mean([p == t for p, t in zip(predicted, test_labels, strict=True)]))
    confusion = {t: {p: 0 for p in CLASSES} for t in CLASSES}
    for p, t in zip(predicted, test_labels, strict=True):
        confusion[t][p] += 1
    print(f"held-out accuracy {accuracy:.4f} on {len(test_labels)} crops")
    print(f"confusion (true -> predicted) {confusion}")
    out = ROOT / "src/looplab/alliance/assets" / DEFAULT_MODEL
    out.write_bytes(onnx_bytes)
    print("wrote", out, len(onnx_bytes), "bytes")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
