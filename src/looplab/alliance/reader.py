"""Screenshot in, member rows out: regions -> classifier -> Tesseract -> rows."""

from __future__ import annotations

import threading
import time
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from looplab.alliance import ocr
from looplab.alliance.classifier import CLASSES, RegionClassifier, normalise_crop
from looplab.alliance.names import clean_read, fold
from looplab.alliance.numbers import has_digits, parse_number
from looplab.alliance.rows import TextItem, group_rows, usual_count
from looplab.imaging.regions import Box, find_text_regions, to_gray

OTHER, NAME, NUMBER = CLASSES.index("other"), CLASSES.index("name"), CLASSES.index("number")


@dataclass
class Row:
    """One member's entry. ``numbers`` left to right, None where a number was seen but not read;
    ``confidences`` and ``boxes`` hold the name's first, then one per number."""

    name: str
    numbers: list[int | None]
    confidences: list[float]
    boxes: list[Box]
    needs_review: bool = False
    reasons: list[str] = field(default_factory=list)

    @property
    def values(self) -> list[int]:
        return [n for n in self.numbers if n is not None]


@dataclass
class ScreenshotReading:
    rows: list[Row]
    seconds: float
    width: int = 0
    height: int = 0


class AllianceReader:
    """Reusable reader: the classifier loads once; Tesseract APIs live one per thread (see ``ocr``)."""

    def __init__(
        self,
        model: bytes | str | Path | None = None,
        *,
        min_confidence: float = 75.0,
        other_threshold: float = 0.85,
    ) -> None:
        self.classifier = RegionClassifier(model)
        self.min_confidence = min_confidence
        self.other_threshold = other_threshold

    def read(self, image: np.ndarray) -> ScreenshotReading:
        start = time.perf_counter()
        gray = to_gray(image)
        regions = find_text_regions(image)
        items = self._read_regions(gray, regions)
        rows = self._rows(items)
        return ScreenshotReading(rows, time.perf_counter() - start, gray.shape[1], gray.shape[0])

    def _read_regions(self, gray: np.ndarray, regions: list[Box]) -> list[TextItem]:
        if not regions:
            return []
        crops = [gray[r.y : r.y2, r.x : r.x2] for r in regions]
        proba = self.classifier.predict_proba(np.stack([normalise_crop(c) for c in crops]))
        items = []
        for region, p in zip(regions, proba, strict=True):
            if p[OTHER] >= self.other_threshold and region.w < 3 * region.h:
                continue  # an icon, badge or avatar; wide regions may be text glued to one
            item = self._read_one(gray, region, p)
            if item is not None:
                items.extend(_split_leading_rank(item))
        return items

    def _read_one(self, gray: np.ndarray, region: Box, p: np.ndarray) -> TextItem | None:
        padded = region.pad(max(2, region.h // 6), gray.shape, py=max(2, region.h // 4))
        prepared = ocr.prepare_crop(
            gray[padded.y : padded.y2, padded.x : padded.x2],
            text_height=max(region.char_h, region.h // 3) or region.h,
        )
        result = ocr.read_line(prepared)
        value = parse_number(result.text)
        if value is None and len(result.words) > 1:
            words = _strip_icon_words(result.words)
            value = parse_number(" ".join(w for w, _ in words))
            if value is not None:
                confidence = float(np.mean([c for _, c in words]))
                return TextItem(region, "number", " ".join(w for w, _ in words), confidence, value)
        if value is not None:
            return TextItem(region, "number", result.text, result.confidence, value)
        if has_digits(result.text) and (p[NUMBER] >= 0.5 or _digit_share(result.text) >= 0.5):
            digits = ocr.read_line(prepared, digits=True)
            value = parse_number(digits.text)
            if value is not None:
                return TextItem(region, "number", digits.text, digits.confidence, value)
            if p[NUMBER] >= 0.5:
                return TextItem(region, "number", result.text, 0.0, None)
        name = _trim_words(result)
        if not name or not any(unicodedata.category(ch).startswith("L") for ch in name):
            return None
        if sum(ch.isalnum() for ch in name) < 2:
            return None
        if result.confidence < 40 and p[NAME] < 0.5 or p[OTHER] >= self.other_threshold and result.confidence < 70:
            return None  # garbage read off an icon or picture
        return TextItem(region, "name", name, result.confidence)

    def _rows(self, items: list[TextItem]) -> list[Row]:
        groups = group_rows(items)
        usual = usual_count(groups)
        rows = []
        for g in groups:
            reasons = []
            if g.name.confidence < self.min_confidence:
                reasons.append(f"name read with low confidence ({g.name.confidence:.0f})")
            for n in g.numbers:
                if n.value is None:
                    reasons.append(f"unreadable number {n.text!r}")
                elif n.confidence < self.min_confidence:
                    reasons.append(f"number {n.value} read with low confidence ({n.confidence:.0f})")
            if len(g.numbers) < usual:
                reasons.append(f"{len(g.numbers)} numbers where rows have {usual} (row cut at an edge?)")
            rows.append(
                Row(
                    name=g.name.text,
                    numbers=[n.value for n in g.numbers],
                    confidences=[g.name.confidence] + [n.confidence for n in g.numbers],
                    boxes=[g.name.box] + [n.box for n in g.numbers],
                    needs_review=bool(reasons),
                    reasons=reasons,
                )
            )
        return rows


def _digit_share(text: str) -> float:
    chars = [c for c in text if not c.isspace()]
    return sum(c.isdigit() for c in chars) / len(chars) if chars else 0.0


def _split_leading_rank(item: TextItem) -> list[TextItem]:
    """``6 [RHK] Wolf`` (a rank glued to the name by the region finder) -> number 6 and name."""
    first, _, rest = item.text.partition(" ")
    if item.kind != "name" or not first.isdigit() or len(first) > 4 or not rest.strip(" '‘’|"):
        return [item]
    rest = rest.strip(" '‘’|")
    b = item.box
    cut = round(b.w * len(first) / max(len(item.text), 1))
    rank = TextItem(Box(b.x, b.y, max(cut, 1), b.h, b.char_h), "number", first, item.confidence, int(first))
    name = TextItem(Box(b.x + cut, b.y, b.w - cut, b.h, b.char_h), "name", rest, item.confidence)
    return [rank, name]


def _strip_icon_words(words: tuple[tuple[str, float], ...]) -> list[tuple[str, float]]:
    """A number's words without a leading/trailing icon read as a letter or two (``W 408,022,375``)."""
    kept = list(words)
    while len(kept) > 1 and not any(ch.isdigit() for ch in kept[0][0]) and len(kept[0][0]) <= 2:
        kept.pop(0)
    while len(kept) > 1 and not any(ch.isdigit() for ch in kept[-1][0]) and len(kept[-1][0]) <= 2:
        kept.pop()
    return kept


def _trim_words(result: ocr.OcrResult) -> str:
    """Drop low-confidence junk words at either end (an icon read as ``©`` or ``|``)."""
    words = list(result.words)

    def junk(word: str, conf: float) -> bool:
        alnum = sum(ch.isalnum() for ch in word)
        if len(word) == 1 and not word.isdigit():
            return True  # an icon beside the name read as a letter or symbol
        return conf < 65 and (alnum == 0 or len(word) <= 2 or alnum < len(word) / 2)

    while len(words) > 1 and junk(*words[-1]):
        words.pop()
    while len(words) > 1 and junk(*words[0]):
        words.pop(0)
    text = " ".join(w for w, _ in words) if words else ""
    return clean_read(text)


_lock = threading.Lock()


@lru_cache(maxsize=1)
def default_reader() -> AllianceReader:
    return AllianceReader()


def read_screenshot(image: np.ndarray) -> ScreenshotReading:
    """Read one screenshot (``uint8`` RGB or grayscale array) with the bundled default model."""
    with _lock:
        reader = default_reader()
    return reader.read(image)


def merge_screenshots(readings: list[ScreenshotReading], *, min_similarity: float = 92.0) -> list[Row]:
    """The rows of a day's overlapping screenshots, each member once, in the order first seen.

    A member seen twice keeps the reading with fewer problems; differing numbers mark it for review.
    """
    from rapidfuzz import fuzz

    merged: list[Row] = []
    keys: list[str] = []
    for reading in readings:
        for row in reading.rows:
            key = fold(row.name)
            match = next((i for i, k in enumerate(keys) if k == key or fuzz.ratio(k, key) >= min_similarity), None)
            if match is None:
                merged.append(row)
                keys.append(key)
                continue
            kept = merged[match]
            better = (
                row if (len(row.reasons), -min(row.confidences)) < (len(kept.reasons), -min(kept.confidences)) else kept
            )
            if len(kept.values) == len(row.values) and kept.values != row.values:
                better = Row(**{**better.__dict__, "reasons": [*better.reasons, "numbers differ between screenshots"]})
                better.needs_review = True
            merged[match] = better
    return merged
