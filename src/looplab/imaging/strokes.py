"""Rasterise Quick, Draw! strokes into 28x28 bitmaps as the dataset's ``numpy_bitmap`` files were made.

Input: a drawing is a list of strokes; a stroke is ``[[x...], [y...]]`` (simplified ndjson) or
``[[x...], [y...], [t...]]`` (raw ndjson), in any canvas coordinates (a live canvas sends pixels).
Output: ``uint8`` ``(28, 28)``, white ink (255) on black (0), like the dataset.

The dataset's recipe (Quick, Draw! README, "simplified drawing files", and quickdraw-dataset issue #19):

1. simplify: shift to min 0, scale uniformly to max 255, resample at 1 px, Ramer-Douglas-Peucker (eps 2.0);
2. centre on the bounding box: offset ``(256 - bbox_max) / 2``;
3. paint with cairo on the small surface: line width 16, padding 16 (256-units), so
   ``scale = 28 / (256 + 2 * 16 + 16)`` after ``translate(24, 24)``, round caps and joins, best antialiasing.

Painting uses OpenCV on a canvas supersampled 32x and an area downsample, which approximates
cairo's exact coverage antialiasing (see tests and ``bench/pictionary.py``).
RDP is OpenCV's ``approxPolyDP`` (the Douglas-Peucker algorithm on an open curve).
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

MAX_STROKES = 200
MAX_POINTS = 20_000
MAX_ABS_COORD = 1e7
SIDE = 28
ORIGINAL_SIDE = 256.0
LINE_DIAMETER = 16.0
PADDING = 16.0
RDP_EPSILON = 2.0
SUPERSAMPLE = 32  # tuned against cairo: mean absolute error 0.3 grey levels (bench/pictionary.py)
_SHIFT_BITS = 4  # OpenCV fixed-point sub-pixel coordinates
_TOTAL_PADDING = PADDING * 2 + LINE_DIAMETER

Stroke = np.ndarray  # float64 (n, 2): x, y


class StrokeError(ValueError):
    """A drawing that cannot be rasterised; ``str(err)`` is the reason shown to the player."""


def parse_drawing(drawing: object) -> list[Stroke]:
    """Validate untrusted strokes and return them as ``(n, 2)`` float arrays; empty strokes are dropped."""
    return _non_empty(_parse_each(drawing))


def _parse_each(drawing: object, seen: Sequence[object] = (), parsed: Sequence[Stroke] = ()) -> list[Stroke]:
    """One array per stroke of ``drawing`` (empty ones too). A leading stroke equal to the one at its place in
    ``seen`` (an earlier message's, already validated into ``parsed``) is not validated again."""
    if isinstance(drawing, str | bytes | dict) or not isinstance(drawing, Sequence | np.ndarray):
        raise StrokeError(f"a drawing must be a list of strokes, got {type(drawing).__name__}")
    if len(drawing) > MAX_STROKES:
        raise StrokeError(f"too many strokes ({len(drawing)}, limit {MAX_STROKES})")
    strokes: list[Stroke] = []
    total, reusing = 0, isinstance(drawing, list)
    for i, stroke in enumerate(drawing):
        reusing = reusing and i < len(seen) and type(stroke) is list and stroke == seen[i]
        points = parsed[i] if reusing else _parse_stroke(stroke, i + 1)
        total += len(points)
        if total > MAX_POINTS:
            raise StrokeError(f"too many points (more than {MAX_POINTS})")
        strokes.append(points)
    return strokes


def _non_empty(strokes: list[Stroke]) -> list[Stroke]:
    strokes = [s for s in strokes if len(s)]
    if not strokes:
        raise StrokeError("empty drawing: no points")
    return strokes


_NUMBER_TYPES = frozenset({int, float})  # what JSON decodes numbers to: checked by type in C, no Python loop


def _is_number(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float | np.number)


def _parse_stroke(stroke: object, index: int) -> Stroke:
    if isinstance(stroke, str | bytes | dict) or not isinstance(stroke, Sequence | np.ndarray):
        raise StrokeError(f"stroke {index} must be [[x...], [y...]] or [[x...], [y...], [t...]]")
    if len(stroke) not in (2, 3):
        raise StrokeError(f"stroke {index} has {len(stroke)} lists, expected 2 (x, y) or 3 (x, y, t)")
    columns = []
    for name, values in zip("xyt", stroke, strict=False):
        if isinstance(values, str | bytes | dict) or not isinstance(values, Sequence | np.ndarray):
            raise StrokeError(f"stroke {index}: {name} must be a list of numbers")
        if len(values) > MAX_POINTS:
            raise StrokeError(f"too many points (more than {MAX_POINTS})")
        if isinstance(values, np.ndarray):
            if values.ndim != 1 or values.dtype.kind not in "iuf":
                raise StrokeError(f"stroke {index}: {name} must contain only numbers")
        elif not _NUMBER_TYPES.issuperset(map(type, values)) and not all(_is_number(v) for v in values):
            raise StrokeError(f"stroke {index}: {name} must contain only numbers")
        columns.append(np.asarray(values, dtype=np.float64))
    if len({len(c) for c in columns}) != 1:
        lengths = "/".join(str(len(c)) for c in columns)
        raise StrokeError(f"stroke {index}: x, y{', t' if len(columns) == 3 else ''} lengths differ ({lengths})")
    points = np.stack(columns[:2], axis=1)
    if not np.isfinite(points).all():
        raise StrokeError(f"stroke {index}: coordinates must be finite numbers (got NaN or infinity)")
    if len(points) and np.abs(points).max() > MAX_ABS_COORD:
        raise StrokeError(f"stroke {index}: coordinates out of range (|value| > {MAX_ABS_COORD:g})")
    return points


def resample(points: Stroke, spacing: float = 1.0) -> Stroke:
    """Points every ``spacing`` units along the polyline, keeping both ends."""
    if len(points) < 2:
        return points
    lengths = np.hypot(*np.diff(points, axis=0).T)
    distance = np.concatenate([[0.0], np.cumsum(lengths)])
    if distance[-1] == 0:
        return points[:1]
    steps = np.append(np.arange(0.0, distance[-1], spacing), distance[-1])
    return np.stack([np.interp(steps, distance, points[:, 0]), np.interp(steps, distance, points[:, 1])], axis=1)


def rdp(points: Stroke, epsilon: float = RDP_EPSILON) -> Stroke:
    """Ramer-Douglas-Peucker on an open polyline (OpenCV ``approxPolyDP``)."""
    if len(points) < 3:
        return points
    if np.array_equal(points[0], points[-1]):
        # a closed stroke: approxPolyDP drops the closing point, while RDP measures from the shared end
        far = int(np.argmax(np.hypot(*(points - points[0]).T)))
        if far == 0:
            return points[[0, -1]]
        return np.concatenate([_approx_poly(points[: far + 1], epsilon)[:-1], _approx_poly(points[far:], epsilon)])
    return _approx_poly(points, epsilon)


def _approx_poly(points: Stroke, epsilon: float = RDP_EPSILON) -> Stroke:
    if len(points) < 3:
        return points
    simplified = cv2.approxPolyDP(points.astype(np.float32).reshape(-1, 1, 2), epsilon, False)
    return simplified.reshape(-1, 2).astype(np.float64)


def frame(strokes: list[Stroke]) -> tuple[tuple[float, float], float]:
    """Where a drawing's simplification puts it: the shift (its minimum) and the uniform scale to 0..255."""
    lo = np.min([s.min(axis=0) for s in strokes], axis=0)
    extent = max(float((s - lo).max()) for s in strokes)
    return (float(lo[0]), float(lo[1])), (255.0 / extent if extent > 0 else 1.0)


def simplify_stroke(stroke: Stroke, lo: tuple[float, float], scale: float, epsilon: float = RDP_EPSILON) -> Stroke:
    return np.round(rdp(resample((stroke - lo) * scale), epsilon))


def simplify(strokes: list[Stroke], epsilon: float = RDP_EPSILON) -> list[Stroke]:
    """The dataset's simplification: integer coordinates in 0..255 with minimum 0 and maximum 255."""
    lo, scale = frame(strokes)
    return [simplify_stroke(s, lo, scale, epsilon) for s in strokes]


def centring_offset(strokes: list[Stroke]) -> tuple[float, float]:
    """The translation that centres simplified strokes on the padded canvas (``(256 - bbox max) / 2`` + padding)."""
    bbox_max = np.max([s.max(axis=0) for s in strokes], axis=0)
    offset = (ORIGINAL_SIDE - bbox_max) / 2 + _TOTAL_PADDING / 2
    return float(offset[0]), float(offset[1])


def paint_stroke(coverage: np.ndarray, stroke: Stroke, offset: tuple[float, float]) -> None:
    """Composite one simplified stroke onto ``coverage`` (float 0..1, OVER), as cairo's ``stroke()`` does."""
    side = coverage.shape[0]
    scale = side * SUPERSAMPLE / (ORIGINAL_SIDE + _TOTAL_PADDING)
    # OpenCV's thick lines come out about one pixel wider than an even thickness: measured against cairo
    width = 2 * int(LINE_DIAMETER * scale / 2)
    margin = width // 2 + 2
    # big-canvas pixel coordinates; cairo's pixel i spans [i, i + 1), OpenCV's integer i is a centre
    points = (stroke + offset) * scale - 0.5
    lo = np.clip(np.floor((points.min(axis=0) - margin) / SUPERSAMPLE), 0, side).astype(int)
    hi = np.clip(np.ceil((points.max(axis=0) + margin + 1) / SUPERSAMPLE), 0, side).astype(int)
    if (hi <= lo).any():
        return
    canvas = np.zeros(((hi[1] - lo[1]) * SUPERSAMPLE, (hi[0] - lo[0]) * SUPERSAMPLE), dtype=np.uint8)
    line = np.round((points - lo * SUPERSAMPLE) * (1 << _SHIFT_BITS)).astype(np.int32)
    if len(line) == 1:
        line = np.repeat(line, 2, axis=0)
    cv2.polylines(canvas, [line.reshape(-1, 1, 2)], False, 255, width, cv2.LINE_8, _SHIFT_BITS)
    alpha = cv2.resize(canvas, (hi[0] - lo[0], hi[1] - lo[1]), interpolation=cv2.INTER_AREA)
    region = coverage[lo[1] : hi[1], lo[0] : hi[0]]
    region += alpha.astype(np.float32) / 255 * (1 - region)


def render(strokes: list[Stroke], side: int = SIDE) -> np.ndarray:
    """Paint simplified strokes (0..255 coordinates) like the dataset's cairo ``vector_to_raster``.

    Each stroke is painted and composited on its own (cairo's ``stroke()`` per stroke, OVER), so
    overlapping strokes add up at their antialiased edges the way they do in the dataset.
    """
    offset = centring_offset(strokes)
    coverage = np.zeros((side, side), dtype=np.float32)
    for stroke in strokes:
        paint_stroke(coverage, stroke, offset)
    return to_bitmap(coverage)


def to_bitmap(coverage: np.ndarray) -> np.ndarray:
    return np.round(coverage * 255).astype(np.uint8)


def rasterize(drawing: object, side: int = SIDE) -> np.ndarray:
    """Untrusted strokes in any coordinates -> ``uint8`` ``(side, side)`` bitmap, like the dataset's."""
    return render(simplify(parse_drawing(drawing)), side)


def rasterize_many(drawings: Sequence[object], side: int = SIDE) -> np.ndarray:
    return np.stack([rasterize(d, side) for d in drawings]) if drawings else np.zeros((0, side, side), np.uint8)


class LiveRasterizer:
    """``rasterize`` for a drawing that grows update by update (a live round), with the same bitmaps.

    Each update carries the whole drawing so far. While its frame (shift and scale) and centring stay the
    same, the strokes that did not change keep their simplified form and the canvas they were painted on,
    so only the new or growing strokes are simplified and painted again. Not thread-safe: one per round.
    """

    def __init__(self, side: int = SIDE) -> None:
        self.side = side
        self._frame: tuple[tuple[float, float], float] | None = None
        self._offset: tuple[float, float] | None = None
        self._raw: list[Stroke] = []
        self._simple: list[Stroke] = []
        self._painted: list[np.ndarray] = []  # the canvas after each stroke
        self._seen: list[object] = []  # the last message's strokes as sent, and as parsed
        self._parsed: list[Stroke] = []

    def __call__(self, drawing: object) -> np.ndarray:
        parsed = _parse_each(drawing, self._seen, self._parsed)
        strokes = _non_empty(parsed)
        self._seen, self._parsed = (list(drawing), parsed) if isinstance(drawing, list) else ([], [])
        lo, scale = frame(strokes)
        same = 0
        if self._frame == (lo, scale):
            while same < min(len(strokes), len(self._raw)) and np.array_equal(strokes[same], self._raw[same]):
                same += 1
        simple = self._simple[:same] + [simplify_stroke(s, lo, scale) for s in strokes[same:]]
        offset = centring_offset(simple)
        painted = self._painted[:same] if offset == self._offset else []
        coverage = painted[-1].copy() if painted else np.zeros((self.side, self.side), dtype=np.float32)
        for stroke in simple[len(painted) :]:
            paint_stroke(coverage, stroke, offset)
            painted.append(coverage.copy())
        self._frame, self._offset = (lo, scale), offset
        self._raw, self._simple, self._painted = strokes, simple, painted
        return to_bitmap(coverage)
