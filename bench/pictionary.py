"""Pictionary guesser candidates on real Quick, Draw! data; prints a table, writes results/pictionary.json.

Held out: the last 15% rows of each ``<category>.npy`` (as in training). Candidates: logistic regression
(the baseline), a tiny MLP, the shared small CNN (global average pooling), and the bundled model
(doodle CNN, evaluated as shipped through ONNX Runtime). The bundled model also runs on real stroke
drawings (quickdraw_strokes, 25 per category) through the game's rasteriser. Ratios are to the
baseline of the same run.

    .venv/bin/python bench/pictionary.py [--epochs 8] [--skip-cnn] [--refresh-bundled]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from looplab.imaging.strokes import rasterize_many
from looplab.learning.small_cnn import TrainConfig, build_small_cnn, predict_proba, train_classifier
from looplab.pictionary import quickdraw
from looplab.pictionary.model import Guesser, top_k_metrics

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.pictionary.cairo_reference import cairo_rasterize  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "bench" / "results" / "pictionary.json"


def _ms_per_drawing(predict, images: np.ndarray, n: int = 1000) -> float:
    """Single-drawing latency (batch of 1), as in a live game, median over ``n`` calls."""
    times = []
    for image in images[:n]:
        started = time.perf_counter()
        predict(image[None])
        times.append(time.perf_counter() - started)
    return round(float(np.median(times)) * 1000, 4)


def _row(name: str, probs: np.ndarray, labels: np.ndarray, classes, params: int, ms: float, seconds: float) -> dict:
    metrics = top_k_metrics(probs, labels, classes)
    return {
        "model": name,
        "top1": metrics["top1"],
        "top3": metrics["top3"],
        "params": params,
        "ms_per_drawing": ms,
        "train_seconds": round(seconds, 1),
        "per_class_top1": {k: v["top1"] for k, v in metrics["per_class"].items()},
    }


def logistic_regression(split: quickdraw.Split) -> dict:
    from sklearn.linear_model import LogisticRegression

    started = time.perf_counter()
    model = LogisticRegression(max_iter=200, class_weight="balanced", C=0.05)
    model.fit(split.train_x.reshape(len(split.train_x), -1) / 255.0, split.train_y)
    seconds = time.perf_counter() - started
    x = split.test_x.reshape(len(split.test_x), -1) / 255.0
    ms = _ms_per_drawing(model.predict_proba, x)
    params = model.coef_.size + model.intercept_.size
    return _row("logistic regression", model.predict_proba(x), split.test_y, split.classes, params, ms, seconds)


def torch_model(name: str, model: nn.Module, split: quickdraw.Split, epochs: int) -> dict:
    started = time.perf_counter()
    config = TrainConfig(epochs=epochs, threads=1)
    model = train_classifier(split.train_x, split.train_y, len(split.classes), config, model=model)
    seconds = time.perf_counter() - started
    ms = _ms_per_drawing(lambda x: predict_proba(model, x), split.test_x)
    params = sum(p.numel() for p in model.parameters())
    return _row(name, predict_proba(model, split.test_x), split.test_y, split.classes, params, ms, seconds)


def bundled(split: quickdraw.Split) -> tuple[dict, Guesser]:
    guesser = Guesser.from_bundled()
    assert guesser.classes == split.classes, "bundled model and data disagree on the classes"
    ms = _ms_per_drawing(guesser.probabilities, split.test_x)
    training = guesser.metadata.get("training", {})
    row = _row(
        f"doodle CNN (bundled {guesser.version}, ONNX)",
        guesser.probabilities(split.test_x),
        split.test_y,
        split.classes,
        training.get("params", 0),
        ms,
        training.get("seconds", 0.0),
    )
    return row, guesser


def ensemble_members(split: quickdraw.Split) -> list[dict]:
    """Each CNN of the bundled ensemble alone (torch, from the bundled weights): what the ensemble adds."""
    from looplab.pictionary.model import BUNDLED_STATE
    from looplab.pictionary.training import Ensemble, model_from_bytes

    model = model_from_bytes(BUNDLED_STATE.read_bytes(), len(split.classes))
    members = list(model.members) if isinstance(model, Ensemble) else []
    rows = []
    for i, member in enumerate(members, start=1):
        ms = _ms_per_drawing(lambda x, m=member: predict_proba(m, x), split.test_x)
        params = sum(p.numel() for p in member.parameters())
        probs = predict_proba(member, split.test_x)
        rows.append(
            _row(f"doodle CNN, ensemble member {i} alone (torch)", probs, split.test_y, split.classes, params, ms, 0)
        )
    return rows


def strokes_vs_bitmaps(guesser: Guesser, split: quickdraw.Split) -> dict:
    """The bundled model on rasterised real strokes beside its bitmap accuracy on the same categories."""
    strokes_dir = DATA / "quickdraw_strokes"
    names = [n for n in split.classes if (strokes_dir / f"{n}.ndjson").exists()]
    images, labels = [], []
    started = time.perf_counter()
    for name in names:
        drawings = quickdraw.load_strokes(strokes_dir / f"{name}.ndjson")
        images.append(rasterize_many(drawings))
        labels += [split.classes.index(name)] * len(drawings)
    ms_raster = (time.perf_counter() - started) * 1000 / len(labels)
    strokes = top_k_metrics(guesser.probabilities(np.concatenate(images)), np.asarray(labels), split.classes)
    mask = np.isin(split.test_y, [split.classes.index(n) for n in names])
    bitmaps = top_k_metrics(guesser.probabilities(split.test_x[mask]), split.test_y[mask], split.classes)
    return {
        "categories": names,
        "missing_stroke_files": [n for n in split.classes if n not in names],
        "strokes": {k: strokes[k] for k in ("top1", "top3", "n")},
        "bitmaps_same_categories": {k: bitmaps[k] for k in ("top1", "top3", "n")},
        "ratio_top1_strokes_to_bitmaps": round(strokes["top1"] / bitmaps["top1"], 4),
        "ms_rasterise_per_drawing": round(ms_raster, 3),
        "per_class_strokes_top1": {k: v["top1"] for k, v in strokes["per_class"].items()},
    }


def _pillow(drawing: list, supersample: int = 8) -> np.ndarray:
    from PIL import Image, ImageDraw

    big = 28 * supersample
    scale = big / 304
    strokes = [np.asarray(s[:2], dtype=float).T for s in drawing]
    offset = (256 - np.concatenate(strokes).max(axis=0)) / 2 + 24
    image = Image.new("L", (big, big), 0)
    draw = ImageDraw.Draw(image)
    width = round(16 * scale)
    for stroke in strokes:
        points = [tuple(p) for p in (stroke + offset) * scale]
        draw.line(points, fill=255, width=width, joint="curve")
        for x, y in (points[0], points[-1]):
            draw.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=255)
    return np.asarray(image.resize((28, 28), Image.Resampling.BOX))


def _opencv_direct(drawing: list) -> np.ndarray:
    import cv2

    strokes = [np.asarray(s[:2], dtype=float).T for s in drawing]
    offset = (256 - np.concatenate(strokes).max(axis=0)) / 2 + 24
    canvas = np.zeros((28, 28), np.uint8)
    for stroke in strokes:
        line = np.round(((stroke + offset) * 28 / 304 - 0.5) * 16).astype(np.int32).reshape(-1, 1, 2)
        cv2.polylines(canvas, [line], False, 255, 1, cv2.LINE_AA, 4)
    return canvas


def renderers() -> dict:
    """Painting libraries against the dataset's cairo recipe on the same simplified strokes."""
    from looplab.imaging.strokes import parse_drawing, render

    drawings = [
        d for p in sorted((DATA / "quickdraw_strokes").glob("*.ndjson"))[:40] for d in quickdraw.load_strokes(p)
    ]
    reference = cairo_rasterize(drawings)
    candidates = {
        "opencv polylines, 32x supersampled, per-stroke OVER (ours)": lambda d: render(parse_drawing(d)),
        "pillow ImageDraw.line joint=curve, 8x supersampled, box filter": _pillow,
        "opencv polylines LINE_AA straight on 28x28": _opencv_direct,
    }
    result = {
        "n_drawings": len(drawings),
        "reference": "cairo (cairocffi)" if reference is not None else None,
    }
    for name, paint in candidates.items():
        started = time.perf_counter()
        images = np.stack([paint(d) for d in drawings]).astype(int)
        entry = {"ms_per_drawing": round((time.perf_counter() - started) * 1000 / len(drawings), 3)}
        if reference is not None:
            error = np.abs(images - reference)
            entry |= {
                "mae_grey_levels": round(float(error.mean()), 3),
                "max_error": int(error.max()),
                "ink_mass_ratio": round(float(images.sum() / reference.sum()), 4),
            }
        result[name] = entry
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=8, help="Epochs for the MLP and the shared small CNN.")
    parser.add_argument("--skip-cnn", action="store_true", help="Skip training the shared small CNN (slow).")
    parser.add_argument(
        "--refresh-bundled",
        action="store_true",
        help="Keep the trained candidates of the last results file; re-measure only the bundled model.",
    )
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    split = quickdraw.load_split(DATA / "quickdraw")
    print(f"{len(split.train_x)} train / {len(split.test_x)} held-out drawings, {len(split.classes)} classes")
    if args.refresh_bundled:
        previous = json.loads(RESULTS.read_text())["candidates"]
        rows = [r for r in previous if not r["model"].startswith("doodle CNN")]
    else:
        rows = [logistic_regression(split)]
        print("logistic regression done", flush=True)
        mlp = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Dropout(0.2), nn.Linear(256, 20))
        rows.append(torch_model(f"tiny MLP 784-256-20 ({args.epochs} epochs)", mlp, split, args.epochs))
        print("tiny MLP done", flush=True)
        if not args.skip_cnn:
            cnn = build_small_cnn(len(split.classes))
            rows.append(torch_model(f"small CNN (shared, avg pool, {args.epochs} ep)", cnn, split, args.epochs))
            print("small CNN done", flush=True)
    rows += ensemble_members(split)
    row, guesser = bundled(split)
    rows.append(row)
    base = rows[0]["top1"]
    for r in rows:
        r["top1_ratio_to_baseline"] = round(r["top1"] / base, 3)
    strokes = strokes_vs_bitmaps(guesser, split)
    strokes["strokes_top1_ratio_to_baseline"] = round(strokes["strokes"]["top1"] / base, 3)

    print(f"\n{'model':<44} {'top-1':>6} {'top-3':>6} {'x base':>7} {'params':>8} {'ms/drawing':>10} {'train s':>8}")
    for r in rows:
        print(
            f"{r['model']:<44} {r['top1']:>6.3f} {r['top3']:>6.3f} {r['top1_ratio_to_baseline']:>7.2f} "
            f"{r['params']:>8} {r['ms_per_drawing']:>10.3f} {r['train_seconds']:>8.0f}"
        )
    s, b = strokes["strokes"], strokes["bitmaps_same_categories"]
    print(
        f"\nbundled model, {len(strokes['categories'])} categories with stroke files: "
        f"real strokes rasterised top-1 {s['top1']:.3f} top-3 {s['top3']:.3f} (n {s['n']}) | "
        f"held-out bitmaps top-1 {b['top1']:.3f} top-3 {b['top3']:.3f} (n {b['n']}) | "
        f"ratio {strokes['ratio_top1_strokes_to_bitmaps']:.3f} | "
        f"x baseline {strokes['strokes_top1_ratio_to_baseline']:.2f}"
    )
    painting = renderers()
    print(f"\npainting vs the dataset's cairo recipe ({painting['n_drawings']} drawings):")
    for name, entry in painting.items():
        if isinstance(entry, dict):
            print(f"  {name:<66} {json.dumps(entry)}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "held_out": "last 15% rows of each <category>.npy, rounded up",
        "n_train": int(len(split.train_x)),
        "n_test": int(len(split.test_x)),
        "threads": 1,
        "candidates": rows,
        "bundled_on_strokes": strokes,
        "painting": painting,
    }
    RESULTS.write_text(json.dumps(payload, indent=1) + "\n")
    print(f"\nwritten {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
