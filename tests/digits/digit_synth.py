"""Synthetic digits for tests and the benchmark: font renderings and handwriting-like strokes.

Each sample is a photo-like uint8 image (various sizes, offsets, stroke widths, polarity, noise and
uneven light) with its true digit. Deterministic given the seed.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Oblique.ttf",
)


def _arc(cx, cy, rx, ry, start, end, n=24):
    t = np.radians(np.linspace(start, end, n))
    return np.stack([cx + rx * np.cos(t), cy + ry * np.sin(t)], axis=1)


def _line(*points):
    return np.array(points, dtype=np.float64)


# Strokes in a unit box (x right, y down), drawn the way people write them (open 4, no serif on 1).
STROKES = {
    0: [_arc(0.5, 0.5, 0.33, 0.47, 0, 360, 40)],
    1: [_line((0.55, 0.02), (0.47, 0.98))],
    2: [np.vstack([_arc(0.5, 0.3, 0.32, 0.28, 200, 385), _line((0.8, 0.45), (0.15, 0.98), (0.88, 0.98))])],
    3: [_arc(0.48, 0.26, 0.3, 0.24, 200, 450), _arc(0.48, 0.73, 0.34, 0.25, 270, 520)],
    4: [_line((0.62, 0.02), (0.12, 0.66), (0.9, 0.66)), _line((0.66, 0.3), (0.64, 0.98))],
    5: [
        np.vstack([_line((0.82, 0.03), (0.25, 0.03), (0.2, 0.45)), _arc(0.47, 0.68, 0.34, 0.3, 235, 505)]),
    ],
    6: [np.vstack([_arc(0.75, 0.55, 0.55, 0.55, 250, 180, 16), _arc(0.5, 0.7, 0.3, 0.27, 180, 540)])],
    7: [_line((0.12, 0.04), (0.88, 0.04), (0.38, 0.98))],
    8: [_arc(0.5, 0.26, 0.26, 0.23, 0, 360), _arc(0.5, 0.73, 0.32, 0.25, 0, 360)],
    9: [np.vstack([_arc(0.48, 0.3, 0.3, 0.27, 0, 360), _line((0.78, 0.3), (0.7, 0.98))])],
}


def _photo(ink: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Ink mask (float 0..1) -> a photo-like gray image: paper, maybe uneven light, noise, polarity."""
    height, width = ink.shape
    style = rng.integers(3)
    if style == 0:  # black ink on white paper
        paper, pen = rng.uniform(200, 255), rng.uniform(0, 60)
    elif style == 1:  # white on black, like a drawing canvas
        paper, pen = rng.uniform(0, 40), rng.uniform(200, 255)
    else:  # photo of paper under a lamp: a light gradient across the sheet
        paper, pen = rng.uniform(170, 235), rng.uniform(20, 80)
    image = paper + (pen - paper) * ink
    if style == 2:
        yy, xx = np.mgrid[0:height, 0:width] / max(height, width)
        angle = rng.uniform(0, 2 * np.pi)
        gradient = (np.cos(angle) * xx + np.sin(angle) * yy) * rng.uniform(50, 100)
        image = image - gradient + gradient.mean()
    image = image + rng.normal(0, rng.uniform(0, 8), image.shape)
    return np.clip(image, 0, 255).astype(np.uint8)


def _canvas(rng: np.random.Generator) -> tuple[int, int, float, float, float]:
    """Canvas size and where the digit box goes (size and offsets vary)."""
    side = int(rng.choice([40, 64, 120, 280, 600]))
    height, width = side, int(side * rng.uniform(0.8, 1.4))
    box = side * rng.uniform(0.35, 0.8)
    left = rng.uniform(0.05 * width, width - box * 0.8 - 0.05 * width)
    top = rng.uniform(0.05 * height, height - box - 0.05 * height + 1)
    return height, width, box, left, top


def render_strokes(digit: int, rng: np.random.Generator) -> np.ndarray:
    height, width, box, left, top = _canvas(rng)
    scale = 4  # draw at 4x and shrink: anti-aliased strokes
    angle, shear = np.radians(rng.uniform(-12, 12)), rng.uniform(-0.25, 0.15)
    rotate = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    transform = rotate @ np.array([[1, shear], [0, 1]]) @ np.diag([rng.uniform(0.55, 0.8), 1.0])
    thickness = max(1, int(box * rng.uniform(0.06, 0.16) * scale))
    ink = np.zeros((height * scale, width * scale), np.uint8)
    for stroke in STROKES[digit]:
        points = (stroke - 0.5) @ transform.T + 0.5
        points = points + rng.normal(0, 0.012, points.shape)
        xy = np.stack([(left + points[:, 0] * box) * scale, (top + points[:, 1] * box) * scale], axis=1)
        cv2.polylines(ink, [np.round(xy).astype(np.int32)], False, 255, thickness, cv2.LINE_AA)
    ink = cv2.resize(ink, (width, height), interpolation=cv2.INTER_AREA)
    return _photo(ink / 255.0, rng)


def render_font(digit: int, rng: np.random.Generator) -> np.ndarray:
    height, width, box, left, top = _canvas(rng)
    fonts = [f for f in FONT_FILES if Path(f).is_file()]
    size = max(8, int(box))
    font = ImageFont.truetype(str(rng.choice(fonts)), size) if fonts else ImageFont.load_default(size=size)
    image = Image.new("L", (width, height), 0)
    stroke = int(rng.integers(0, max(1, size // 20) + 1))
    ImageDraw.Draw(image).text(
        (left, top - size * 0.1), str(digit), fill=255, font=font, stroke_width=stroke, stroke_fill=255
    )
    return _photo(np.asarray(image) / 255.0, rng)


def synthetic_set(n_per_digit: int, kind: str = "strokes", seed: int = 0) -> tuple[list[np.ndarray], np.ndarray]:
    """``n_per_digit`` images of each digit; ``kind`` is "strokes" or "font"."""
    rng = np.random.default_rng(seed)
    render = render_strokes if kind == "strokes" else render_font
    images, labels = [], []
    for _ in range(n_per_digit):
        for digit in range(10):
            images.append(render(digit, rng))
            labels.append(digit)
    return images, np.array(labels)
