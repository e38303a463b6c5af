import io

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from looplab.imaging.decode import ImageError
from looplab.imaging.digit_normalise import (
    BlankImageError,
    DigitError,
    SeveralDigitsError,
    deskew,
    normalise_bytes,
    normalise_digit,
)


def render(text: str, *, size=120, font_size=80, offset=(20, 10), dark_on_light=True) -> np.ndarray:
    image = Image.new("L", (size * len(text), size), 0)
    font = ImageFont.load_default(size=font_size)
    ImageDraw.Draw(image).text(offset, text, fill=255, font=font)
    array = np.asarray(image)
    return 255 - array if dark_on_light else array


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    weights = image.astype(np.float64)
    yy, xx = np.mgrid[0 : image.shape[0], 0 : image.shape[1]]
    return float((yy * weights).sum() / weights.sum()), float((xx * weights).sum() / weights.sum())


@pytest.mark.parametrize("digit", list("0123456789"))
@pytest.mark.parametrize("dark_on_light", [True, False])
def test_output_is_mnist_style(digit, dark_on_light):
    out = normalise_digit(render(digit, dark_on_light=dark_on_light, offset=(5, 25)))
    assert out.shape == (28, 28) and out.dtype == np.uint8
    cy, cx = centre_of_mass(out)
    assert abs(cy - 13.5) < 0.6 and abs(cx - 13.5) < 0.6
    rows, cols = np.flatnonzero(out.max(axis=1) > 30), np.flatnonzero(out.max(axis=0) > 30)
    assert max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1 <= 22  # fitted into the 20x20 box
    assert max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1 >= 18  # and filling it
    assert out.max() > 200 and np.median(out) == 0  # white ink on black


def test_polarity_offset_and_size_do_not_matter():
    reference = normalise_digit(render("3")).astype(float)
    for variant in (
        render("3", dark_on_light=False),
        render("3", size=300, font_size=200, offset=(60, 20)),
        np.stack([render("3", offset=(40, 0))] * 3, axis=-1),  # RGB
    ):
        out = normalise_digit(variant).astype(float)
        assert np.corrcoef(out.ravel(), reference.ravel())[0, 1] > 0.8


def test_uneven_light_and_noise_on_a_photo_of_paper():
    reference = normalise_digit(render("7")).astype(float)
    photo = render("7", size=200, font_size=140).astype(float) * 0.7 + 40
    yy, xx = np.mgrid[0:200, 0:200]
    photo -= (xx + yy) * 0.35  # a lamp on one side: the paper goes from light grey to dark grey
    photo += np.random.default_rng(0).normal(0, 6, photo.shape)
    out = normalise_digit(np.clip(photo, 0, 255).astype(np.uint8)).astype(float)
    assert np.corrcoef(out.ravel(), reference.ravel())[0, 1] > 0.8


@pytest.mark.parametrize(
    "image",
    [
        np.full((100, 100), 255, np.uint8),
        np.zeros((50, 80), np.uint8),
        np.clip(np.random.default_rng(1).normal(200, 4, (120, 120)), 0, 255).astype(np.uint8),
    ],
    ids=["white", "black", "noisy-grey"],
)
def test_blank_images_are_refused(image):
    with pytest.raises(BlankImageError, match="no ink"):
        normalise_digit(image)


def test_several_digits_are_flagged():
    with pytest.raises(SeveralDigitsError, match="2 digits"):
        normalise_digit(render("42", offset=(10, 10)))


def test_errors_are_value_errors_with_reasons():
    assert issubclass(DigitError, ValueError) and issubclass(ImageError, ValueError)
    with pytest.raises(ImageError, match="empty"):
        normalise_bytes(b"")
    buffer = io.BytesIO()
    Image.fromarray(render("5")).save(buffer, format="PNG")
    assert normalise_bytes(buffer.getvalue()).shape == (28, 28)


def test_deskew_straightens_a_slanted_stroke():
    image = np.zeros((28, 28), np.uint8)
    for row in range(4, 24):
        column = 8 + (24 - row) * 12 // 20  # leaning right, like italic handwriting
        image[row, column : column + 3] = 255
    straight = deskew(image)
    columns = [np.flatnonzero(straight[row] > 100).mean() for row in range(6, 22)]
    assert np.ptp(columns) < 2.5
