"""The rasteriser: geometry, validation, and agreement with the dataset's bitmaps and its cairo recipe."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from tests.pictionary.cairo_reference import cairo_rasterize

from looplab.imaging.strokes import (
    MAX_POINTS,
    MAX_STROKES,
    LiveRasterizer,
    StrokeError,
    parse_drawing,
    rasterize,
    rasterize_many,
    rdp,
    render,
    simplify,
)

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
BITMAPS = DATA / "quickdraw"
STROKES = DATA / "quickdraw_strokes"


def _strokes_files(n: int | None = None) -> list[Path]:
    if not STROKES.is_dir() or not BITMAPS.is_dir():
        pytest.skip(f"SKIPPED LOUDLY: real Quick, Draw! data missing at {DATA}")
    return sorted(STROKES.glob("*.ndjson"))[:n]


def _drawings(path: Path) -> list[list]:
    return [json.loads(line)["drawing"] for line in path.read_text().splitlines() if line.strip()]


def _ink_box(image: np.ndarray) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(image)
    return xs.min(), xs.max(), ys.min(), ys.max()


def test_horizontal_line_is_centred_full_width_and_as_thick_as_the_dataset_line():
    image = rasterize([[[10, 110], [50, 50]]])  # canvas pixels
    assert image.dtype == np.uint8 and image.shape == (28, 28)
    # centred on pixel row 13.5: the 1.47 px line covers rows 13 and 14 by 0.74 each
    assert image.min() == 0 and 180 <= image.max() <= 200
    left, right, top, bottom = _ink_box(image)
    # 0..255 after scaling, 24 units of padding each side at 28/304 px per unit, round caps of radius 8
    assert (left, right) == (1, 26)
    assert image[:, 14].sum() == pytest.approx(16 * 28 / 304 * 255, rel=0.05)  # line width 1.47 px
    # y = 0 after simplification, centred at 128 in 256 units -> pixel row 13.5 exactly
    rows = image.sum(axis=1).astype(float)
    assert (rows * np.arange(28)).sum() / rows.sum() == pytest.approx(13.5, abs=0.05)
    assert np.abs(image.astype(int) - image[::-1]).max() <= 10  # symmetric up to the 1/32 px supersampling


def test_square_is_centred_and_symmetric():
    image = rasterize([[[0, 500, 500, 0, 0], [0, 0, 500, 500, 0]]])
    for mirrored in (image[::-1], image[:, ::-1], image.T):
        assert np.abs(image.astype(int) - mirrored).max() <= 10
    assert _ink_box(image) == (1, 26, 1, 26)
    assert image.max() == 255  # the corners: round joins cover whole pixels


def test_raw_coordinates_scale_and_timestamps_do_not_matter():
    drawing = [[[0, 30, 60, 90], [0, 40, 10, 70]], [[10, 80], [60, 5]]]
    big = [[[x * 7 + 1000 for x in xs], [y * 7 - 300 for y in ys], list(range(len(xs)))] for xs, ys in drawing]
    assert np.array_equal(rasterize(drawing), rasterize(big))


def test_simplify_matches_the_dataset_convention():
    strokes = simplify(parse_drawing([[[100, 200, 300], [100, 150, 100]]]))
    points = np.concatenate(strokes)
    assert points.min() == 0 and points.max() == 255
    assert np.array_equal(points, np.round(points))


def test_rdp_removes_collinear_points_and_keeps_closed_strokes_closed():
    line = np.stack([np.arange(50.0), np.zeros(50)], axis=1)
    assert np.array_equal(rdp(line), line[[0, -1]])
    loop = np.array([[0, 0], [100, 0], [100, 100], [0, 100], [0, 0]], dtype=float)
    assert np.array_equal(rdp(loop), loop)


def test_single_point_draws_a_dot():
    image = rasterize([[[5], [5]]])
    assert 0 < image.sum() / 255 < 4 and image.max() > 100


@pytest.mark.parametrize(
    ("drawing", "reason"),
    [
        ("not strokes", "list of strokes"),
        ({"drawing": []}, "list of strokes"),
        (None, "list of strokes"),
        ([], "empty drawing"),
        ([[[], []]], "empty drawing"),
        ([[[1, 2, 3]]], "expected 2"),
        ([[[1, 2], [3, 4], [5, 6], [7, 8]]], "expected 2"),
        ([[[1, 2, 3], [4, 5]]], "lengths differ"),
        ([[[1, 2], [3, 4], [0]]], "lengths differ"),
        ([[[1, float("nan")], [3, 4]]], "finite"),
        ([[[1, math.inf], [3, 4]]], "finite"),
        ([[[1, "2"], [3, 4]]], "only numbers"),
        ([[[1, None], [3, 4]]], "only numbers"),
        ([[[True, False], [3, 4]]], "only numbers"),
        ([[[1, 1e12], [3, 4]]], "out of range"),
        ([[5, 6]], "x must be a list"),
        ([[[1]] * 2] * (MAX_STROKES + 1), "too many strokes"),
        ([[list(range(MAX_POINTS + 1)), list(range(MAX_POINTS + 1))]], "too many points"),
        ([[list(range(150)), list(range(150))]] * 150, "too many points"),
    ],
)
def test_garbage_is_refused_with_a_reason(drawing, reason):
    with pytest.raises(StrokeError, match=reason):
        rasterize(drawing)
    assert issubclass(StrokeError, ValueError)


def test_matches_the_dataset_cairo_recipe_pixel_for_pixel():
    """issue #19's ``vector_to_raster`` with cairo (cairocffi, a dev-only reference) against ours."""
    drawings = [d for path in _strokes_files(12) for d in _drawings(path)]
    references = cairo_rasterize(drawings)
    if references is None:
        pytest.skip("cairocffi (dev reference renderer) not installed")
    errors = [
        np.abs(render(parse_drawing(drawing)).astype(int) - reference.astype(int))
        for drawing, reference in zip(drawings, references, strict=True)
    ]
    errors = np.stack(errors)
    assert errors.mean() < 0.5  # grey levels out of 255
    assert np.percentile(errors, 99.9) <= 12
    assert errors.max() <= 32


def test_rasterised_real_strokes_look_like_the_real_bitmaps():
    """Different drawings, same statistics: ink mass, grey-level histogram, extent and centring."""
    files = [p for p in _strokes_files() if (BITMAPS / f"{p.stem}.npy").exists()]
    assert len(files) >= 10
    ours = rasterize_many([d for p in files for d in _drawings(p)]).astype(float)
    theirs = np.concatenate([np.load(BITMAPS / f"{p.stem}.npy")[:300] for p in files]).reshape(-1, 28, 28)
    theirs = theirs.astype(float)

    def stats(images: np.ndarray) -> dict[str, float | np.ndarray]:
        ink = images[images > 0]
        rows, cols = (images > 0).any(axis=2), (images > 0).any(axis=1)
        top, bottom = rows.argmax(axis=1), 27 - rows[:, ::-1].argmax(axis=1)
        left, right = cols.argmax(axis=1), 27 - cols[:, ::-1].argmax(axis=1)
        return {
            "mass": images.sum(axis=(1, 2)).mean() / 255,
            "hist": np.histogram(ink, bins=[1, 64, 128, 192, 255, 256])[0] / len(ink),
            "long_side": np.maximum(right - left, bottom - top).mean() + 1,
            "centre_y": ((top + bottom) / 2).mean(),
        }

    a, b = stats(ours), stats(theirs)
    assert a["mass"] == pytest.approx(b["mass"], rel=0.05)  # stroke thickness and length
    assert np.abs(a["hist"] - b["hist"]).max() < 0.03  # antialiasing profile
    assert a["long_side"] == pytest.approx(b["long_side"], abs=0.3)  # scale: 0..255 plus padding
    assert a["centre_y"] == pytest.approx(b["centre_y"], abs=0.1)  # centring on the bounding box


def _growing(drawing: list, every: int = 3) -> list[list]:
    """The updates a live page sends: the drawing so far, the last stroke growing a few points at a time."""
    updates, done = [], []
    for xs, ys in drawing:
        updates += [[*done, [xs[:k], ys[:k]]] for k in range(1, len(xs), every)]
        done = [*done, [xs, ys]]
        updates.append(list(done))
    return updates


def test_the_live_rasteriser_paints_every_update_exactly_like_a_fresh_one() -> None:
    files = _strokes_files(12)
    if not files:
        pytest.fail(f"real Quick, Draw! strokes missing at {STROKES}")
    checked = 0
    for path in files:
        for line in path.read_text().splitlines()[:3]:
            drawing = json.loads(line)["drawing"]
            live = LiveRasterizer()
            updates = _growing(drawing)
            # an undo, a stroke far outside the frame (rescales everything), then the drawing again
            whole = updates[-1]
            updates += [whole[:-1]] if len(whole) > 1 else []
            updates += [[*whole, [[600, 700], [-300, -250]]], whole]
            for update in updates:
                assert np.array_equal(live(update), rasterize(update))
                checked += 1
    assert checked > 500


def test_a_bad_update_does_not_spoil_the_live_rasteriser() -> None:
    live = LiveRasterizer()
    good = [[[0, 40, 80], [0, 30, 10]], [[10, 60], [50, 55]]]
    first = live(good)
    for bad in ([[[0, float("nan")], [1, 2]]], "lol", [[[1, 2]]], [[[0, 40, 80], [0, 30, 10]], [[1, True], [2, 3]]]):
        with pytest.raises(StrokeError):
            live(bad)
    assert np.array_equal(live(good), first)
    assert np.array_equal(live([*good, [[5], [5]]]), rasterize([*good, [[5], [5]]]))
