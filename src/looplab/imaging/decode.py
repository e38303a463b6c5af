"""Decoding untrusted image bytes into NumPy arrays, with clear reasons when that is not possible.

Convention for the whole ``imaging`` package: images are ``uint8`` NumPy arrays, grayscale ``(H, W)``
or colour ``(H, W, 3)`` in RGB order.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 40 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 1080x2400 phone screenshot is 2.6 Mpx; 40 Mpx leaves room for tablets and scans
MAX_SIDE = 20_000
ALLOWED_FORMATS = frozenset({"PNG", "JPEG", "WEBP", "BMP", "GIF", "TIFF"})


class ImageError(ValueError):
    """An input that is not a usable image; ``str(err)`` is the reason shown to the user."""


def decode_image(data: bytes, *, mode: str = "RGB", max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """Decode bytes into an array in ``mode`` ("RGB" or "L"), refusing anything that is not a sane image."""
    if not data:
        raise ImageError("empty file (0 bytes)")
    if len(data) > MAX_BYTES:
        raise ImageError(f"file too large ({len(data) / 1e6:.1f} MB, limit {MAX_BYTES / 1e6:.0f} MB)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            fmt = image.format or "unknown"
            width, height = image.size
            if fmt not in ALLOWED_FORMATS:
                raise ImageError(f"unsupported image format {fmt}")
            if width <= 0 or height <= 0 or width > MAX_SIDE or height > MAX_SIDE:
                raise ImageError(f"absurd dimensions {width}x{height}")
            if width * height > max_pixels:
                raise ImageError(
                    f"image too large ({width}x{height} = {width * height / 1e6:.0f} Mpx, "
                    f"limit {max_pixels / 1e6:.0f} Mpx): refusing a possible decompression bomb"
                )
            image.load()
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
        raise ImageError(f"decompression bomb refused: {err}") from err
    except UnidentifiedImageError as err:
        raise ImageError("not an image (unrecognised file content)") from err
    except (OSError, SyntaxError, ValueError) as err:
        raise ImageError(f"corrupt or truncated image: {err}") from err
    if getattr(image, "n_frames", 1) > 1:
        image.seek(0)
    if image.mode in ("RGBA", "LA", "P", "PA"):
        image = _flatten_alpha(image)
    return np.asarray(image.convert(mode), dtype=np.uint8)


def decode_image_file(path: str | Path, **kwargs) -> np.ndarray:
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as err:
        raise ImageError(f"file not found: {path}") from err
    except IsADirectoryError as err:
        raise ImageError(f"is a directory: {path}") from err
    except OSError as err:
        raise ImageError(f"cannot read {path}: {err.strerror or err}") from err
    return decode_image(data, **kwargs)


def _flatten_alpha(image: Image.Image) -> Image.Image:
    """Composite transparent images on white, which is what a viewer shows."""
    rgba = image.convert("RGBA")
    background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(background, rgba).convert("RGB")


def encode_png(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()
