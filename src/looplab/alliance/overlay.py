"""A screenshot with its detected rows drawn over it (the day view's picture)."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from looplab.imaging.decode import decode_image

MAX_WIDTH = 720
BOOKED, DOUBT = (40, 170, 80), (235, 140, 20)


def draw_rows(data: bytes, rows: list[dict[str, Any]], max_width: int = MAX_WIDTH) -> bytes:
    """PNG of the screenshot, scaled to ``max_width``, with each row's name and number boxes outlined
    (green, orange where the reader had doubts) and the row's index above its name."""
    image = Image.fromarray(decode_image(data))
    scale = min(1.0, max_width / image.width)
    if scale < 1.0:
        image = image.resize((round(image.width * scale), round(image.height * scale)), Image.LANCZOS)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=14)
    for index, row in enumerate(rows, start=1):
        color = DOUBT if row.get("needs_review") else BOOKED
        for k, (x, y, w, h) in enumerate(box[:4] for box in row.get("boxes", [])):
            box = (x * scale - 2, y * scale - 2, (x + w) * scale + 2, (y + h) * scale + 2)
            draw.rectangle(box, outline=color, width=2 if k == 0 else 1)
            if k == 0:  # the row's number, where the list shows it (1 = first row read)
                label = (box[0] + 1, box[1] - 1)
                draw.rectangle(draw.textbbox(label, str(index), font=font, anchor="lb"), fill=color)
                draw.text(label, str(index), fill=(255, 255, 255), font=font, anchor="lb")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
