"""The dataset's own rasteriser (Quick, Draw! issue #19, cairo) as a reference for ours; tests and bench share it."""

from __future__ import annotations

import numpy as np

SIDE = 28
LINE_DIAMETER = 16.0
PADDING = LINE_DIAMETER * 2 + 16  # 256-units around the drawing, as in vector_to_raster


def cairo_rasterize(drawings: list[list]) -> np.ndarray | None:
    """uint8 ``(N, 28, 28)`` white-on-black bitmaps, or None when the dev-only ``cairocffi`` is missing."""
    try:
        import cairocffi as cairo
    except (ImportError, OSError):
        return None
    surface = cairo.ImageSurface(cairo.FORMAT_ARGB32, SIDE, SIDE)
    ctx = cairo.Context(surface)
    ctx.set_antialias(cairo.ANTIALIAS_BEST)
    ctx.set_line_cap(cairo.LINE_CAP_ROUND)
    ctx.set_line_join(cairo.LINE_JOIN_ROUND)
    ctx.set_line_width(LINE_DIAMETER)
    ctx.scale(SIDE / (256 + PADDING), SIDE / (256 + PADDING))
    ctx.translate(PADDING / 2, PADDING / 2)
    out = []
    for drawing in drawings:
        ctx.set_source_rgb(0, 0, 0)
        ctx.paint()
        strokes = [np.asarray(s[:2], dtype=float) for s in drawing]
        offset = ((256.0, 256.0) - np.hstack(strokes).max(axis=1)) / 2
        ctx.set_source_rgb(1, 1, 1)
        for xs, ys in (s + offset[:, None] for s in strokes):
            ctx.move_to(xs[0], ys[0])
            for x, y in zip(xs, ys, strict=True):
                ctx.line_to(x, y)
            ctx.stroke()
        surface.flush()
        out.append(np.frombuffer(surface.get_data(), np.uint8)[::4].reshape(SIDE, SIDE).copy())
    return np.stack(out)
