"""Turn an uploaded photo, scan or drawing of one digit into an MNIST-style 28x28 image.

MNIST convention: ``uint8`` ``(28, 28)``, white ink (255) on black (0), the digit fitted into 20x20
keeping its aspect ratio, its centre of mass at the centre of the 28x28 frame. Inputs are ``uint8``
arrays, grayscale ``(H, W)`` or RGB ``(H, W, 3)``, either polarity.
"""

from __future__ import annotations

import cv2
import numpy as np

from looplab.imaging.decode import decode_image

SIZE = 28
BOX = 20
WORK_SIDE = 256  # inputs are shrunk to this before any analysis: plenty for one digit, cheap on a phone photo
MIN_WORK_SIDE = 112  # and smaller ones enlarged to WORK_SIDE
MIN_CONTRAST = 40  # grey levels between paper and ink below which there is no ink to speak of
STROKE_FRACTION = 0.13  # MNIST strokes are about 2.5 px wide in a 20 px box


class DigitError(ValueError):
    """An image that does not hold exactly one readable digit; ``str(err)`` is the reason for the user."""


class BlankImageError(DigitError):
    pass


class SeveralDigitsError(DigitError):
    pass


def to_gray(image: np.ndarray) -> np.ndarray:
    image = np.asarray(image)
    if image.dtype != np.uint8:
        raise TypeError(f"expected uint8 pixels, got {image.dtype}")
    if image.ndim == 3 and image.shape[2] in (3, 4):
        return cv2.cvtColor(image[..., :3], cv2.COLOR_RGB2GRAY)
    if image.ndim == 3 and image.shape[2] == 1:
        return image[..., 0]
    if image.ndim != 2:
        raise TypeError(f"expected (H, W) or (H, W, 3) pixels, got shape {image.shape}")
    return image


def _working_size(gray: np.ndarray) -> np.ndarray:
    """Shrink big photos to WORK_SIDE; enlarge small images (an MNIST-sized 28x28) so the mask keeps detail."""
    height, width = gray.shape
    scale = WORK_SIDE / max(height, width)
    if max(height, width) >= MIN_WORK_SIDE and scale >= 1:
        return gray
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(gray, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)


def ink_image(gray: np.ndarray) -> np.ndarray:
    """Ink bright on a flat black background, whatever the polarity and lighting of the input.

    Polarity: the paper is the majority of pixels, so its level is the median; if paper is brighter than
    average ink, invert. Uneven light (shadows, vignetting on a photo of paper): the background is what a
    morphological opening with a kernel wider than any stroke leaves; subtracting it flattens the paper.
    """
    gray = gray.astype(np.int16)
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    paper = np.median(np.concatenate([border, gray.ravel()]))
    if paper > (int(gray.min()) + int(gray.max())) / 2:
        gray = 255 - gray
    ink = gray.astype(np.uint8)
    if min(ink.shape) >= 24:  # the background is smooth: estimate it on a small copy, which is much faster
        height, width = ink.shape
        scale = 64 / max(height, width)
        small = cv2.resize(
            ink, (max(8, round(width * scale)), max(8, round(height * scale))), interpolation=cv2.INTER_AREA
        )
        k = max(5, min(small.shape) // 3) | 1
        background = cv2.morphologyEx(small, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
        background = cv2.resize(cv2.blur(background, (k, k)), (width, height), interpolation=cv2.INTER_LINEAR)
        ink = cv2.subtract(ink, background)
    return ink


def ink_mask(ink: np.ndarray) -> np.ndarray:
    """Boolean mask of the ink; raises BlankImageError when there is none."""
    if int(ink.max()) - int(np.median(ink)) < MIN_CONTRAST:
        raise BlankImageError("no ink found: the image is blank or has too little contrast")
    smooth = cv2.GaussianBlur(ink, (3, 3), 0) if min(ink.shape) >= 16 else ink
    level, _ = cv2.threshold(smooth, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    level = max(level, int(np.median(ink)) + MIN_CONTRAST // 2)
    mask = smooth > level
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    areas = stats[1:, cv2.CC_STAT_AREA]
    if count <= 1 or areas.max() < 4:
        raise BlankImageError("no ink found: only specks of noise")
    keep = np.flatnonzero(areas >= max(4, 0.04 * areas.max())) + 1  # specks of noise go
    mask = np.isin(labels, keep)
    _check_single_digit(stats[keep])
    if mask.mean() > 0.6:
        raise DigitError("the ink covers most of the image: not a digit on a plain background")
    return mask


def _check_single_digit(stats: np.ndarray) -> None:
    """Raise SeveralDigitsError when the ink splits into side-by-side groups each as tall as a digit."""
    left = stats[:, cv2.CC_STAT_LEFT]
    right = left + stats[:, cv2.CC_STAT_WIDTH]
    top = stats[:, cv2.CC_STAT_TOP]
    bottom = top + stats[:, cv2.CC_STAT_HEIGHT]
    height = bottom.max() - top.min()
    groups: list[list[int]] = []
    for i in np.argsort(left):
        if groups and left[i] <= max(right[j] for j in groups[-1]):
            groups[-1].append(int(i))
        else:
            groups.append([int(i)])
    tall = [g for g in groups if bottom[g].max() - top[g].min() >= 0.5 * height]
    if len(tall) < 2:
        return
    # A broken stroke also splits one digit: several digits need a clear gap or a row's width.
    gap = max(min(left[b]) - max(right[a]) for a, b in zip(tall, tall[1:], strict=False))
    if gap >= 0.15 * height or right.max() - left.min() >= 0.9 * height:
        raise SeveralDigitsError(f"found {len(tall)} digits side by side: upload one digit per image")


def _set_stroke_width(mask: np.ndarray, side: int) -> np.ndarray:
    """Thicken hairlines and thin marker strokes towards MNIST's stroke width relative to the digit."""
    mask8 = mask.astype(np.uint8)
    distance = cv2.distanceTransform(np.pad(mask8, 1), cv2.DIST_L2, 3)[1:-1, 1:-1]
    width = 2 * float(np.percentile(distance[mask], 95))
    target = STROKE_FRACTION * side
    if width < 0.7 * target:
        k = max(2, round(target - width)) | 1
        mask8 = cv2.dilate(mask8, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    elif width > 1.6 * target:
        k = max(2, round(0.5 * (width - target))) | 1
        thinner = cv2.erode(mask8, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
        if thinner.sum() > 0.3 * mask8.sum():
            mask8 = thinner
    return mask8.astype(bool)


def fit_and_centre(mask: np.ndarray) -> np.ndarray:
    """Crop to the ink, scale into a 20x20 box keeping aspect, centre by centre of mass in 28x28."""
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    crop = mask[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    crop = _set_stroke_width(np.pad(crop, 2), max(crop.shape))
    rows, cols = np.flatnonzero(crop.any(axis=1)), np.flatnonzero(crop.any(axis=0))
    crop = crop[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1].astype(np.float32) * 255
    height, width = crop.shape
    scale = BOX / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    small = cv2.resize(crop, size, interpolation=interpolation)
    canvas = np.zeros((SIZE, SIZE), np.float32)
    top, left = (SIZE - size[1]) // 2, (SIZE - size[0]) // 2
    canvas[top : top + size[1], left : left + size[0]] = small
    return centre_of_mass_shift(np.clip(canvas, 0, 255).astype(np.uint8))


def centre_of_mass_shift(image: np.ndarray) -> np.ndarray:
    moments = cv2.moments(image.astype(np.float32))
    if moments["m00"] <= 0:
        return image
    dx = (image.shape[1] - 1) / 2 - moments["m10"] / moments["m00"]
    dy = (image.shape[0] - 1) / 2 - moments["m01"] / moments["m00"]
    shift = np.float32([[1, 0, dx], [0, 1, dy]])
    return cv2.warpAffine(image, shift, image.shape[::-1], flags=cv2.INTER_LINEAR, borderValue=0)


def normalise_digit(image: np.ndarray) -> np.ndarray:
    """One digit in any uint8 image -> MNIST-style ``(28, 28) uint8``; raises DigitError with a reason."""
    gray = to_gray(image)
    if min(gray.shape) < 8:
        raise DigitError(f"image too small ({gray.shape[1]}x{gray.shape[0]} px) to hold a digit")
    return fit_and_centre(ink_mask(ink_image(_working_size(gray))))


def normalise_bytes(data: bytes) -> np.ndarray:
    """Decode untrusted bytes (ImageError) and normalise (DigitError): both are ValueErrors."""
    return normalise_digit(decode_image(data, mode="L"))


def deskew(image: np.ndarray) -> np.ndarray:
    """Undo the slant of a 28x28 digit with the shear given by its second-order moments."""
    moments = cv2.moments(image.astype(np.float32))
    if abs(moments["mu02"]) < 1e-2:
        return image.copy()
    skew = moments["mu11"] / moments["mu02"]
    side = image.shape[0]
    shear = np.float32([[1, skew, -0.5 * side * skew], [0, 1, 0]])
    return cv2.warpAffine(image, shear, image.shape[::-1], flags=cv2.WARP_INVERSE_MAP | cv2.INTER_LINEAR)


def deskew_all(images: np.ndarray) -> np.ndarray:
    return np.stack([deskew(image) for image in images]) if len(images) else images.copy()
