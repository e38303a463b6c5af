"""A screenshot with its detected rows drawn over it (the day view's picture)."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image, ImageDraw

from looplab.imaging.decode import decode_image

MAX_WIDTH = 720
BOOKED, DOUBT = (40, 170, 80), (235, 140, 20)


def draw_rows(data: bytes, rows: list[dict[str, Any]], max_width: int = MAX_WIDTH) -> bytes:
    """PNG of the screenshot, scaled to ``max_width``, with each row's name and number boxes outlined
    (green, orange where the reader had doubts) and the row's index beside it."""
    image = Image.fromarray(decode_image(data))
    scale = min(1.0, max_width / image.width)
    if scale < 1.0:
        image = image.resize((round(image.width * scale), round(image.height * scale)), Image.LANCZOS)
    draw = ImageDraw.Draw(image)
    width = max(2, round(3 * scale * 2))
    for index, row in enumerate(rows, start=1):
        color = DOUBT if row.get("needs_review") else BOOKED
        for k, (x, y, w, h) in enumerate(box[:4] for box in row.get("boxes", [])):
            box = (x * scale, y * scale, (x + w) * scale, (y + h) * scale)
            draw.rectangle(box, outline=color, width=width if k == 0 else max(1, width - 1))
            if k == 0:
                draw.text((max(0, box[0] - 4), box[1]), str(index), fill=color, anchor="ra")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
