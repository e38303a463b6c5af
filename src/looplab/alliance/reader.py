"""Screenshot in, member rows out: regions -> classifier -> Tesseract -> rows."""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

from looplab.alliance import marks, ocr, stems
from looplab.alliance.classifier import CLASSES, RegionClassifier, normalise_crop
from looplab.alliance.names import TAG_AS_READ, clean_read, fix_capital_i, fix_leading_zero, fix_tag, fold
from looplab.alliance.numbers import has_digits, parse_number, split_pair
from looplab.alliance.rows import TextItem, group_rows, usual_count
from looplab.imaging.regions import Box, character_boxes, edge_mask, find_text_regions, to_gray

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
        other_threshold: float = 0.95,
        retry_below: float = 60.0,
    ) -> None:
        self.classifier = RegionClassifier(model)
        self.min_confidence = min_confidence
        self.other_threshold = other_threshold
        self.retry_below = retry_below

    def read(self, image: np.ndarray) -> ScreenshotReading:
        start = time.perf_counter()
        height, width = image.shape[:2]
        regions = find_text_regions(image)
        scale = upscale_factor(regions)
        if scale > 1:
            # text too small to find and read well (a downscaled screenshot): read the image enlarged
            image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
            regions = find_text_regions(image)
        gray = to_gray(image)
        items = self._read_regions(gray, regions)
        rows = self._rows(items, gray.shape[1])
        if scale > 1:
            rows = [_shrunk(row, scale, (height, width)) for row in rows]
        return ScreenshotReading(rows, time.perf_counter() - start, width, height)

    def _read_regions(self, gray: np.ndarray, regions: list[Box]) -> list[TextItem]:
        if not regions:
            return []
        crops = [gray[r.y : r.y2, r.x : r.x2] for r in regions]
        proba = self.classifier.predict_proba(np.stack([normalise_crop(c) for c in crops]))
        items = []
        for region, p in zip(regions, proba, strict=True):
            if p[OTHER] >= self.other_threshold and region.w < 2 * region.h:
                continue  # an icon, badge or avatar; wide regions may be text glued to one
            item = self._read_one(gray, region, p)
            if item is not None:
                for part in _split_leading_rank(item):
                    items.extend(_split_pair(part))
        return _bars_by_screen(_drop_small_print(items))

    def _read_one(self, gray: np.ndarray, region: Box, p: np.ndarray) -> TextItem | None:
        padded = region.pad(max(2, region.h // 6), gray.shape, py=max(2, region.h // 4))
        crop = gray[padded.y : padded.y2, padded.x : padded.x2]
        text_height = max(region.char_h, region.h // 3) or region.h
        core = (region.y - padded.y, region.y2 - padded.y)
        prepared = ocr.prepare_crop(crop, text_height=text_height, core=core)
        readings = [(ocr.read_line(prepared, symbols=True), prepared, crop, text_height)]
        found = _without_edge_icons(crop, prepared, readings[0][0])
        if found is not None:
            # an icon glued to the text: read the text alone, at the scale of its own height
            inner, inner_height = found
            again = ocr.prepare_crop(inner, text_height=inner_height)
            readings.append((ocr.read_line(again, symbols=True), again, inner, inner_height))
        elif has_digits(readings[0][0].text) and (_as_number(readings[0][0]) is None or readings[0][0].confidence < 85):
            # digits with a picture glued before them, read as part of the number ("'%41,051" for a
            # sword icon and "1,051"): the number alone, kept when it reads as a number more surely
            found = _without_edge_picture(crop, region)
            if found is not None:
                inner, inner_height = found
                again = ocr.prepare_crop(inner, text_height=inner_height)
                reading = ocr.read_line(again, symbols=True)
                if _as_number(reading) is not None:
                    readings.append((reading, again, inner, inner_height))
        best = max(readings, key=_reading_rank)
        if best[0].confidence < self.retry_below and _as_number(best[0]) is None:
            # the height estimate may be off: try two other scales
            _, _, best_crop, best_height = best
            for factor in (1.45, 0.75):
                again = ocr.prepare_crop(best_crop, text_height=round(best_height * factor))
                readings.append((ocr.read_line(again, symbols=True), again, best_crop, best_height))
            best = max(readings, key=_reading_rank)
            wordy = [r for r in readings if re.search(r"[^\W\d_]", r[0].text)]
            if _as_number(best[0]) is None and len(wordy) > 1:
                # a name: the English model is unsure of most ("[HEI]DaffyDuckling" 27, a garbled
                # reading at another scale 61); the names models tell a right reading better
                best = max(wordy, key=lambda r: ocr.read_line(r[1], kind="names").confidence)
        result, prepared = best[0], best[1]
        if p[NAME] >= 0.5 and result.confidence < self.retry_below:
            # a name in a script the Latin models cannot read ("로이시" read as "20JA|"), before its
            # made-up digits send it down the number path
            found_marks = marks.accent_marks(prepared)
            cjk = _cjk(prepared, found_marks, result, below=self.retry_below)
            if cjk is not None:
                return TextItem(region, "name", _trim_words(cjk), cjk.confidence)
        if (
            (p[NUMBER] >= 0.5 or result.text.isdigit())
            and has_digits(result.text)
            and (region.w <= 1.5 * region.h or _LONE_RANK.fullmatch(result.text))
        ):
            result = _digits_as_drawn(prepared, result, iconish=p[OTHER] >= 0.2)
        if split_pair(result.text) is not None:
            return TextItem(region, "number", result.text, result.confidence)  # two columns: see _split_pair
        number = _as_number(result)
        lettered_first = re.search(r"[^\W\d_]", readings[0][0].text) and readings[0][0].confidence < 60
        if p[NAME] >= 0.5 and lettered_first and number is not None and number[1] < 60:
            # "Ozço456" read "0z¢0456" (33), at another scale "0260456": the names models read its
            # letters ("0zco456", 78)
            named = ocr.read_line(readings[0][1], kind="names", symbols=True)
            if named.confidence >= 70 and re.search(r"[^\W\d_]{3,}", named.text):
                result, prepared, number = named, readings[0][1], None
        if number is not None and p[NAME] >= 0.5 and _glued_word(number[0]):
            number = None  # "4haak": a name with a picture's edge read as a digit, no number with a unit
        worded = number is not None and re.search(r"[^\W\d_]{3,}", number[0])
        if worded and p[NAME] >= 0.9 and not _VALUE_AND_UNIT.match(number[0]):
            number = None  # "5 Akakfin": a rank and a name (see _split_leading_rank), not "7,216 points"
        if number is not None and p[NAME] >= 0.2 and _RANK_AND_WORD.match(number[0]) and not _LABEL.search(number[0]):
            number = None  # "7 Wolf", "3 Obi" that the classifier finds partly a name: a rank and a name
        if number is not None:
            text, confidence, value = _with_decimal_point(*number, prepared)
            iconish = p[OTHER] >= (0.9 if confidence >= 95 else 0.8)
            if len(str(value)) == 1 and (value == 0 or iconish or confidence < 60):
                return None  # a lone "0" or "4" read off a badge or icon
            return TextItem(region, "number", text, confidence, value)
        unsure = p[NUMBER] >= 0.5 and result.confidence < 70
        wordy = re.search(r"[^\W\d_]{3,}", result.text) is not None  # "Oel559" is a name
        # a lone digit the line model took for symbols ("4" read as "/]"): the classifier says number
        # and the reading holds no letter, so read it again as digits
        symbols_only = p[NUMBER] >= 0.5 and result.text and not re.search(r"[^\W\d_]", result.text)
        # a lone rank read as one letter ("6" as "D"), the classifier leaning to a number: no name is one letter
        lone_letter = (
            p[NUMBER] >= max(p[NAME], p[OTHER]) and len(result.text.strip()) == 1 and region.w <= 1.5 * region.h
        )
        # letters enough that the classifier, sure of a name, is believed ("èose469" read "eo0se469"), or
        # a letter no digit looks like between digits ("Iöon30" read "16on30")
        lettered = (p[NAME] >= 0.9 and len(re.findall(r"[^\W\d_]", result.text)) >= 3) or (
            p[NAME] >= 0.75 and _LETTER_AMONG_DIGITS.search(result.text) is not None
        )
        digity = has_digits(result.text) and not wordy and not lettered
        if _FRACTION.fullmatch(result.text) and result.confidence >= 80:
            # "Join 18/30", "0/10": a count out of a limit, no member's value; read as digits alone its
            # slash becomes a 7 ("18730")
            return TextItem(region, "label", result.text, result.confidence)
        if lone_letter and not symbols_only:
            # read as digits the way a lone rank is ("11" read "n", as digits "1.1" with a made-up point)
            drawn = _digits_as_drawn(prepared, result, iconish=p[OTHER] >= 0.2)
            value = parse_number(drawn.text) if drawn is not result else None
            if value and drawn.confidence >= 80:
                return TextItem(region, "number", drawn.text, drawn.confidence, value)
            return None
        if symbols_only or digity and (unsure or _digit_share(result.text) >= 0.5):
            digits = ocr.read_line(prepared, digits=True, single_word=" " not in result.text)
            if " " not in result.text:
                # the word mode sometimes drops a character the line mode keeps ("0.1M" read as "0M",
                # "4.018.417" as "08417": no number has a leading zero)
                line = ocr.read_line(prepared, digits=True)
                dropped = _LEADING_ZERO.match(digits.text.strip()) is not None
                if parse_number(line.text) is not None and (line.confidence > digits.confidence or dropped):
                    digits = line
            value = parse_number(digits.text)
            # no number is written with a leading zero: with letters read, a name's O ("Oíi743" read
            # "0ii743", as digits "0743"); else a digit was lost, and the number goes to review
            leading_zero = _LEADING_ZERO.match(digits.text.strip()) is not None
            named = leading_zero and re.search(r"[^\W\d_]", result.text)
            if value is not None and not leading_zero:
                text, confidence, value = _with_decimal_point(digits.text, digits.confidence, value, prepared)
                return TextItem(region, "number", text, confidence, value)
            if p[NUMBER] >= 0.5 and _digit_share(result.text) >= 0.5 and not named:
                return TextItem(region, "number", result.text, 0.0, None)
        result = _respell(prepared, result)
        respelt_number = _as_number(result) if p[NAME] < 0.5 and p[OTHER] < 0.8 else None
        if respelt_number is not None and respelt_number[1] >= 70 and not re.search(r"[^\W\d_]{2,}", respelt_number[0]):
            # a number the names models read cleanly where the line model made up a letter ("0.1IM")
            text, confidence, value = _with_decimal_point(*respelt_number, prepared)
            return TextItem(region, "number", text, confidence, value)
        number = _icon_glued_number(best[2], prepared, result, p)
        if number is not None:
            text, confidence, value = _with_decimal_point(*number)
            return TextItem(region, "number", text, confidence, value)
        bars = stems.measure_bars(prepared, result.symbols) if result.symbols else stems.Bars()
        apart = _with_bars(result, bars.if_apart)
        result = _with_underscores(prepared, _with_case(_with_bars(result, bars.sure), prepared))
        result = _without_faint_ends(_without_solid_ends(result, prepared), prepared)
        name = _trim_words(result)
        if not name or not any(unicodedata.category(ch).startswith("L") for ch in name):
            return None
        if sum(ch.isalnum() for ch in name) < 2:
            return None
        iconic = p[OTHER] >= self.other_threshold
        if result.confidence < 40 and p[NAME] < 0.5 or iconic and (result.confidence < 70 or len(name) < 3):
            return None  # garbage read off an icon or picture ("Oe" off a badge and a pentagon)
        if _LABEL.search(name):
            # no member, and its number neither; only a sure reading, as a label drops that number
            return TextItem(region, "label", name, result.confidence) if result.confidence >= 60 else None
        if_apart = None
        if bars.if_apart:
            apart = _without_solid_ends(_with_underscores(prepared, apart), prepared)
            if_apart = _trim_words(_without_faint_ends(apart, prepared))
        return TextItem(region, "name", name, result.confidence, if_bars_apart=if_apart, bar_gaps=bars.gaps)

    def _rows(self, items: list[TextItem], width: int | None = None) -> list[Row]:
        groups = group_rows(items, width=width)
        usual = usual_count(groups)
        rows = []
        for g in groups:
            reasons = []
            if not g.name.text:
                reasons.append("name not read: numbers where the screen's other rows have them")
            elif g.name.confidence < self.min_confidence:
                reasons.append(f"name read with low confidence ({g.name.confidence:.0f})")
            for n in g.numbers:
                if n.value is None:
                    reasons.append(f"unreadable number {n.text!r}")
                elif n.confidence < self.min_confidence:
                    reasons.append(f"number {n.value} read with low confidence ({n.confidence:.0f})")
            if len(g.numbers) < usual:
                reasons.append(f"{len(g.numbers)} numbers where rows have {usual} (row cut at an edge?)")
            odd = _ODD.findall(g.name.text)
            if odd:
                reasons.append(f"name has characters OCR often makes up: {''.join(dict.fromkeys(odd))}")
            if len(g.numbers) > usual and usual:
                reasons.append(f"{len(g.numbers)} numbers where rows have {usual}")
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


SMALL_TEXT = 14  # px: regions (characters' outlines included) this low in the median are read enlarged
UPSCALED_TEXT = 20  # px: the height they are enlarged to, at least


def upscale_factor(regions: list[Box]) -> int:
    """How much to enlarge a screenshot whose text is small: 1 when the median region is at least
    ``SMALL_TEXT`` high, else a whole factor that brings it to ``UPSCALED_TEXT`` (at most 4)."""
    if not regions:
        return 1
    usual = float(np.median([r.char_h or r.h for r in regions]))
    if usual >= SMALL_TEXT:
        return 1
    return int(min(4, np.ceil(UPSCALED_TEXT / max(usual, 1.0))))


def _shrunk(row: Row, scale: int, shape: tuple[int, int]) -> Row:
    """``row`` with its boxes in the coordinates of the image ``scale`` times smaller (``shape``)."""

    def box(b: Box) -> Box:
        x, y = b.x // scale, b.y // scale
        x2, y2 = min(shape[1], -(-b.x2 // scale)), min(shape[0], -(-b.y2 // scale))
        return Box(x, y, max(1, x2 - x), max(1, y2 - y), round(b.char_h / scale))

    return Row(**{**row.__dict__, "boxes": [box(b) for b in row.boxes]})


def _digit_share(text: str) -> float:
    chars = [c for c in text if not c.isspace()]
    return sum(c.isdigit() for c in chars) / len(chars) if chars else 0.0


# Characters a name may well hold but that Tesseract mostly produces from icons and decorations
_ODD = re.compile(r"[^\w\s\[\]().'&\-]|['’‘”“]")
_GLUED_WORD = re.compile(r"\d[^\W\d_]{2,}")  # letters glued to a digit ("4haak"; "215,600 pts" is apart)
_UNIT_AS_READ = re.compile(r"[Il|]?[KkMmBb]+")  # "882Mm": a unit letter read twice; "0.1IM": a bar made up
# "Power: 3,244" (when the number was not read), "55 minute(s) ago"
_LABEL = re.compile(r"\w:(?:\s|\d)|\w\(s\)")


def _drop_small_print(items: list[TextItem]) -> list[TextItem]:
    """Leave out text much smaller than the screen's usual text (badge digits, "2 hours ago")."""
    heights = [i.box.char_h or i.box.h for i in items]
    if len(heights) < 4:
        return items
    usual = float(np.median(heights))
    return [i for i, h in zip(items, heights, strict=True) if h >= 0.55 * usual]


def _split_pair(item: TextItem) -> list[TextItem]:
    """``5,362 324,374,300`` (two number columns found as one region) -> two numbers, the box cut where
    the text is."""
    pair = split_pair(item.text) if item.kind == "number" and item.value is None else None
    if pair is None:
        return [item]
    first, second = pair
    b = item.box
    cut = max(1, min(b.w - 1, round(b.w * (len(first) + 0.5) / max(len(item.text), 1))))
    return [
        TextItem(Box(b.x, b.y, cut, b.h, b.char_h), "number", first, item.confidence, parse_number(first)),
        TextItem(
            Box(b.x + cut, b.y, b.w - cut, b.h, b.char_h), "number", second, item.confidence, parse_number(second)
        ),
    ]


_VALUE_AND_UNIT = re.compile(r"(?:\d{1,3}(?:[,.]\d{3})+|\d{4,})\s*[^\W\d_]+$")  # "7,216 points"
_LONE_RANK = re.compile(r"\d{1,2}")  # a rank alone: in a region made wider by a badge's edge
_LETTER_AMONG_DIGITS = re.compile(r"\d[^\W\d_]*[^\W\d_OoDQlIi|LSsBZzGgbqTt][^\W\d_]*\d")  # no digit's lookalike
_LEADING_ZERO = re.compile(r"0\d")
_FRACTION = re.compile(r"\s*\d+\s?/\s?\d+\s*")
_RANK_AND_WORD = re.compile(r"\d{1,2} +[^\W\d_]{3,}")


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


def _digits_as_drawn(prepared: np.ndarray, line: ocr.OcrResult, iconish: bool = False) -> ocr.OcrResult:
    """A digit or two alone (a rank) read by the line model, which makes up a neighbour ("7" read
    "74", "5" read "3]", "7" read unsurely), or by the word model, which drops one ("74" read "4",
    "11" read "1"): the word model's reading where it has as many digits as the crop has glyphs and the
    line model's has not, or is unsure (the word model also reads a small "3" as "8", surely); failing
    that, the line model's on the crop enlarged, unless the classifier half takes it for a picture or the
    line model's reading is a guess (a banner read "3" at 0 is read "3" at 93 when enlarged)."""
    count, _, stats, _ = cv2.connectedComponentsWithStats((prepared < 128).astype(np.uint8), connectivity=8)
    heights, widths = stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_WIDTH]
    tall = heights >= 0.6 * heights.max() if count > 1 else np.zeros(0, bool)
    # a blob as wide as tall is two digits touching ("11" joined by its serifs): a digit is about
    # 0.6 of its height wide
    glyphs = int(sum(max(1, round(w / (0.62 * h))) for w, h in zip(widths[tall], heights[tall], strict=True)))

    def drawn(reading: ocr.OcrResult) -> bool:
        return parse_number(reading.text) is not None and sum(ch.isdigit() for ch in reading.text) == glyphs

    word = ocr.read_line(prepared, digits=True, single_word=True)
    if count > 1 and tall.all():  # no point drawn: the word model's are made up ("11" read "1.1.")
        word = _with_words(word, tuple((re.sub(r"[.,]", "", w), c) for w, c in word.words))
    # a line reading without a digit ("11" read "n") is no rival: the word model's is taken less surely
    sure = 90 if has_digits(line.text) else 80
    if drawn(word) and word.confidence >= sure and (not drawn(line) or line.confidence < 80):
        return word
    if line.text.strip() == "0" and drawn(word) and word.text.strip() != "0" and word.confidence >= 70:
        return word  # a rank is never 0: the line model's round "0" for a "9" or a "6"
    if not iconish and line.confidence >= 40 and (not drawn(line) or line.confidence < 80):
        # "11" read "1" by both, "7" read "74": larger, the line model reads such digits as drawn (a
        # badge the classifier half takes for a picture would be read as an "8" too)
        for factor in (1.35, 1.65):
            larger = cv2.resize(prepared, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
            again = ocr.read_line(larger, digits=True)
            if drawn(again) and again.confidence >= 90:
                return again
    return line


def _as_number(result: ocr.OcrResult) -> tuple[str, float, int] | None:
    """(text, confidence, value) when the reading is a number, possibly with an icon read at an end."""
    value = parse_number(result.text)
    if value is not None:
        return result.text, result.confidence, value
    if len(result.words) > 1:
        words = _strip_icon_words(result.words)
        text = " ".join(w for w, _ in words)
        value = parse_number(text)
        if value is not None:
            return text, float(np.mean([c for _, c in words])), value
    return None


_SUFFIXED = re.compile(r"(\d{2,})\s?([KkMmBb])")


def _with_decimal_point(text: str, confidence: float, value: int, prepared: np.ndarray) -> tuple[str, float, int]:
    """``19K`` -> ``1.9K`` when the crop shows a decimal point the reading dropped (Tesseract often loses
    a small dot between digits): a blob much smaller than the digits, on their baseline, between two
    of them. The digits after it are the characters right of it less the suffix letter."""
    match = _SUFFIXED.fullmatch(text.strip())
    if match is None:
        return text, confidence, value
    right = _right_of_point(prepared)
    digits, suffix = match.groups()
    if right is None or not 1 <= right - 1 < len(digits):
        return text, confidence, value
    cut = len(digits) - (right - 1)
    fixed = f"{digits[:cut]}.{digits[cut:]}{suffix}"
    parsed = parse_number(fixed)
    return (fixed, confidence, parsed) if parsed is not None else (text, confidence, value)


def _right_of_point(prepared: np.ndarray) -> int | None:
    """How many character-sized shapes lie right of the one point-sized shape on the baseline of a
    prepared crop (dark on white), or None when there is no such point, or more than one."""
    ink = (prepared < 128).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    shapes = [tuple(int(v) for v in s[:4]) for s in stats[1:]]
    if not shapes:
        return None
    tall = max(h for _, _, _, h in shapes)
    chars = [sh for sh in shapes if sh[3] >= 0.6 * tall]
    if len(chars) < 3:
        return None
    baseline = float(np.median([y + h for _, y, _, h in chars]))
    points = [
        (x, y, w, h)
        for x, y, w, h in shapes
        if 0.1 * tall <= h <= 0.3 * tall and 0.1 * tall <= w <= 0.4 * tall and abs(y + h - baseline) <= 0.15 * tall
    ]
    if len(points) != 1:
        return None
    px, _, pw, _ = points[0]
    left = [c for c in chars if c[0] + c[2] <= px]
    right = [c for c in chars if c[0] >= px + pw]
    if not left or len(left) + len(right) != len(chars):
        return None
    return len(right)


def _reading_rank(reading: tuple) -> tuple[bool, float]:
    """Readings that parse as a number first, then by confidence; a number with letters glued to its
    digits is none ("211.5M" behind a fist icon, read at the icon's height as "@ 2nsm": 2 "nsm")."""
    number = _as_number(reading[0])
    return number is not None and not _glued_word(number[0]), reading[0].confidence


def _glued_word(text: str) -> bool:
    """Letters glued to a digit that are no unit as read ("4haak", not "0.1IM" or "882Mm")."""
    return any(not _UNIT_AS_READ.fullmatch(m.group(0)[1:]) for m in _GLUED_WORD.finditer(text))


_DIGIT_AND_UNIT = re.compile(r"\d[KkMmBb]")


def _edge_junk(word: str, confidence: float) -> bool:
    """A word at a crop's end read off an icon: short and unsure, mostly symbols and unsure, or
    symbols alone however sure (a target icon before "4,141" read "®", which made "414" of the rest)."""
    alnum = sum(ch.isalnum() for ch in word)
    # a value's last digit and its unit stay ("734844.8K" read "734844 8K")
    unsure_short = len(word) <= 2 and not word.isdigit() and confidence < 85 and not _DIGIT_AND_UNIT.fullmatch(word)
    return unsure_short or not alnum or (alnum < len(word) / 2 and confidence < 60)


def _without_edge_icons(crop: np.ndarray, prepared: np.ndarray, result: ocr.OcrResult) -> tuple[np.ndarray, int] | None:
    """The part of ``crop`` left of/right of junk words read at its ends, or None when there are none."""
    if len(result.boxes) < 2:
        return None
    words = list(zip(result.words, result.boxes, strict=True))
    start, end = 0, len(words)
    while end - start > 1 and _edge_junk(*words[start][0]):
        start += 1
    while end - start > 1 and _edge_junk(*words[end - 1][0]):
        end -= 1
    if (start, end) == (0, len(words)):
        return None
    scale = (prepared.shape[1] - 2 * ocr.BORDER) / max(crop.shape[1], 1)
    x1 = min(b[0] for _, b in words[start:end]) - ocr.BORDER
    x2 = max(b[2] for _, b in words[start:end]) - ocr.BORDER
    y1 = min(b[1] for _, b in words[start:end]) - ocr.BORDER
    y2 = max(b[3] for _, b in words[start:end]) - ocr.BORDER
    pad = 0.15 * (y2 - y1)
    left, right = max(0, int((x1 - pad) / scale)), min(crop.shape[1], int((x2 + pad) / scale) + 1)
    top, bottom = max(0, int((y1 - pad) / scale)), min(crop.shape[0], int((y2 + pad) / scale) + 1)
    if right - left < 4 or bottom - top < 4:
        return None
    return crop[top:bottom, left:right], max(4, round((y2 - y1) / scale))


def _without_edge_picture(crop: np.ndarray, region: Box) -> tuple[np.ndarray, int] | None:
    """The part of ``crop`` (``region`` padded) right of a picture glued to the left of the text, or None
    when there is none: a shape much taller than the region's characters and as wide as it is tall,
    with character-sized shapes right of it (a sword icon before "1,604", read as "k4" or "7")."""
    if not region.char_h or region.h < 1.4 * region.char_h:
        return None
    boxes = character_boxes(edge_mask(crop), min_height=max(3, region.char_h // 3), max_height=crop.shape[0])
    pictures = [b for b in boxes if b[3] >= 1.4 * region.char_h and b[2] >= 0.5 * b[3]]  # a medal is tall
    if not pictures:
        return None
    x, y, w, h = (int(v) for v in min(pictures, key=lambda b: b[0]))
    middles = boxes[:, 1] + boxes[:, 3] / 2
    rest = boxes[(boxes[:, 0] >= x + w) & (middles >= y) & (middles <= y + h)]  # beside it, not above
    if not len(rest) or float(np.median(rest[:, 3])) > 1.2 * region.char_h:
        return None
    pad = max(2, region.char_h // 6)
    left = max(0, int(rest[:, 0].min()) - pad)
    # only the rows of the text beside the picture: a tall picture's padding may reach the line above
    top, bottom = max(0, int(rest[:, 1].min()) - 2 * pad), int((rest[:, 1] + rest[:, 3]).max()) + 2 * pad
    return crop[top:bottom, left:], region.char_h


_GLUED_ICON = re.compile(r"([^\d\s]{1,3})(\d[\d,.' ]*[KkMmBb]?)")


def _from_first_digit(
    crop: np.ndarray, prepared: np.ndarray, result: ocr.OcrResult, p: np.ndarray
) -> tuple[np.ndarray, int] | None:
    """The part of ``crop`` from the first digit on, where an icon as tall as the digits is glued before
    a number and read as a symbol or two ("p®95M" for a ring and "95M"): a prefix with a symbol in it,
    or a letter or two where the classifier sees no name (three letters are a word: "Ora772"); None else."""
    match = _GLUED_ICON.fullmatch(result.text)
    if match is None or not (re.search(r"[^\w]", match.group(1)) or p[NAME] < 0.5 and len(match.group(1)) <= 2):
        return None
    first = next((box for text, box, _ in result.symbols if text.isdigit()), None)
    if first is None:
        return None
    scale = (prepared.shape[1] - 2 * ocr.BORDER) / max(crop.shape[1], 1)
    height = prepared.shape[0] - 2 * ocr.BORDER
    left = max(0, int((first[0] - ocr.BORDER - 0.1 * height) / scale))
    if crop.shape[1] - left < 4:
        return None
    return crop[:, left:], max(4, round((first[3] - first[1]) / scale))


def _icon_glued_number(
    crop: np.ndarray, prepared: np.ndarray, result: ocr.OcrResult, p: np.ndarray
) -> tuple[str, float, int, np.ndarray] | None:
    """(text, confidence, value, prepared crop) of a number read as a name because an icon glued
    before it was read as a symbol or two ("p®95M"): the crop from the first digit on, read again,
    when that reads surely as a number; None else."""
    found = _from_first_digit(crop, prepared, result, p)
    if found is None:
        return None
    again = ocr.prepare_crop(found[0], text_height=found[1])
    number = _as_number(ocr.read_line(again))
    return (*number, again) if number is not None and number[1] >= 80 else None


def _strip_icon_words(words: tuple[tuple[str, float], ...]) -> list[tuple[str, float]]:
    """A number's words without a leading/trailing icon read as a letter or two (``W 408,022,375``)."""

    def icon(word: str) -> bool:
        return len(word) <= 2 and not word.isdigit()

    kept = list(words)
    while len(kept) > 1 and icon(kept[0][0]):
        kept.pop(0)
    while len(kept) > 1 and icon(kept[-1][0]):
        kept.pop()
    return kept


def _respell(prepared: np.ndarray, first: ocr.OcrResult, sure: float = 85.0) -> ocr.OcrResult:
    """A name with accents put back: a name with accent marks (see ``marks``) is read again with the
    marks wiped and each mark put on its letter; one read with little confidence is read again with
    the models that spell more accents (``ocr.LANGUAGES["names"]``), then with the Japanese model."""
    found = marks.accent_marks(prepared)
    if not found and first.confidence >= sure:
        first = _with_umlaut_for_ii(first, prepared)
        if not any(t in ("c", "C", "g", "a") for t, _, _ in first.symbols) and not marks.slashed_os(prepared):
            return first
        return _with_symbols(first, marks.put_marks(first.symbols, [], prepared))
    wiped = marks.wipe(prepared, found) if found else prepared
    again = ocr.read_line(wiped, kind="names", symbols=True)
    latin = first
    near = again.confidence >= first.confidence - (15 if found else 10)
    # the German model reads a tag's "]" twice, as "]J", where the English one read it once
    extra_j = "]J" in again.text and "]J" not in first.text and "]" in first.text
    doubled = extra_j and again.text.replace("]J", "]", 1) == first.text
    if again.words and near and not doubled and (_tags_whole(again) or not _tags_whole(first)):
        latin = _with_symbols(again, marks.put_marks(again.symbols, found, wiped))
        acute = marks.lone_dot_umlauts(again.symbols, wiped)
        if acute is not None:
            latin = _with_symbols(latin, acute)
        if extra_j:
            latin = _replaced_once(latin, "]J", "]")  # "[HTP]JRoóe": the rest of its reading is kept
    elif found and first.symbols:
        # the bare line read worse than the first reading: the marks go on the first reading's letters
        latin = _with_symbols(first, marks.put_marks(first.symbols, found, prepared))
    return _cjk(prepared, found, latin) or latin


def _replaced_once(result: ocr.OcrResult, old: str, new: str) -> ocr.OcrResult:
    words = list(result.words)
    for i, (word, confidence) in enumerate(words):
        if old in word:
            words[i] = (word.replace(old, new, 1), confidence)
            return _with_words(result, tuple(words))
    return result


def _with_umlaut_for_ii(first: ocr.OcrResult, prepared: np.ndarray) -> ocr.OcrResult:
    """``Rose_Zuiiua`` -> ``Rose_Zuüua``: a ü whose dots sit too close to find as a mark, read by the
    English model as "ii". Where the German model, which spells ü, reads a ü between the same letters,
    the ü is taken (and nothing else of its reading: it has its own slips)."""
    if "ii" not in first.text or len(first.symbols) != len(first.text.replace(" ", "")):
        return first
    names = ocr.read_line(prepared, kind="names").text
    symbols = [list(symbol) for symbol in first.symbols]
    for at in [m.start() for m in re.finditer("ii", first.text)]:
        before, after = first.text[max(0, at - 2) : at], first.text[at + 2 : at + 4]
        for umlaut in ("ü", "Ü"):
            if f"{before}{umlaut}{after}" in names:
                index = len(first.text[:at].replace(" ", ""))  # the symbols hold the text less its spaces
                symbols[index][0], symbols[index + 1][0] = umlaut, ""
    if [t for t, *_ in symbols] == [t for t, *_ in first.symbols]:
        return first
    spelt = _with_symbols(first, [(text, word) for text, _, word in symbols])
    kept = tuple((text, box, word) for text, box, word in symbols if text)
    return ocr.OcrResult(spelt.text, spelt.confidence, spelt.words, spelt.boxes, kept)


def _tags_whole(result: ocr.OcrResult) -> bool:
    """No word opens a bracket it does not close, or closes one it did not open ("[NE" "Z]")."""
    return all(word.count("[") == word.count("]") for word, _ in result.words)


_CJK = re.compile(r"[\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\uac00-\ud7af]")


def _cjk(prepared: np.ndarray, found: list, latin: ocr.OcrResult, *, below: float = 60.0, sure: float = 85.0):
    """The Japanese (kana, kanji and Latin) or Korean (Hangul and Latin) model's reading, the surer of
    the two, of a name the Latin models read badly or with characters they make up of shapes they do not
    know ("ツ" read as "'/"), when it is sure of it and it holds at least two CJK characters (an icon is
    read as one kana); None else. The crop is read with its marks (kana have dots and strokes that look
    like accents)."""
    if latin.confidence >= below and not _ODD.search(latin.text):
        return None
    best = None
    for kind in ("cjk", "korean"):
        if not ocr.has_languages(kind) or kind == "korean" and latin.confidence >= below:
            continue  # the Korean model reads Hangul into icons too readily: only for a bad reading
        read = ocr.read_line(prepared, kind=kind, symbols=True)
        sureness = read.confidence
        decorated = _kana_decorated(latin, read, sure=sure - 5) if kind == "cjk" else None
        if decorated is not None:
            read = decorated  # the Latin letters agreed on: its CJK characters, each sure, decide
        elif kind == "korean":
            read, sureness = _with_hangul(latin, read)  # the Latin words stay the Latin models'
        if decorated is None and (sureness < max(sure, latin.confidence + 25) or len(_CJK.findall(read.text)) < 2):
            continue
        if decorated is None and kind == "cjk" and np.median([c for w, c in read.words if _CJK.search(w)]) < 80:
            # sure of the Latin letters, not of the kana it made of a decoration ("D A D D Y≋" read
            # "D A D D Y タ ヌ ー", the kana 55, 70, 91; real kana and kanji names 87 and up)
            spelt = [(w, c) for w, c in read.words if not _CJK.search(w)]
            if sum(ch.isalpha() for w, _ in spelt for ch in w) >= 3 and min(c for _, c in spelt) >= 90:
                read = ocr.OcrResult(" ".join(w for w, _ in spelt), min(c for _, c in spelt), tuple(spelt))
                best = best or (kind, read)
            continue
        if best is None or read.confidence > best[1].confidence:
            best = (kind, read)
    if best is None:
        return None
    kind, read = best
    if kind == "korean":
        return read
    read = _with_symbols(read, marks.put_marks(read.symbols, found, prepared))  # no kana takes an accent
    # the Japanese model reads each CJK character as a word: no spaces next to one
    words: list[tuple[str, float]] = []
    for word, conf in read.words:
        if words and (_CJK.match(word[0]) or _CJK.match(words[-1][0][-1])):
            words[-1] = (words[-1][0] + word, min(words[-1][1], conf))
        else:
            words.append((word, conf))
    return ocr.OcrResult(" ".join(w for w, _ in words), read.confidence, tuple(words))


def _kana_decorated(latin: ocr.OcrResult, japanese: ocr.OcrResult, *, sure: float) -> ocr.OcrResult | None:
    """``Stevieツ``: a Latin name with a kana or kanji for decoration, which the Latin models read as
    characters they make up ("Stevie'/"). Taken when the Japanese model reads the same Latin letters and
    each CJK character it adds surely; low-confidence CJK words at the ends (an underline read as "ソ")
    are left out. None else."""
    words = list(japanese.words)
    while words and _CJK.fullmatch(words[-1][0]) and words[-1][1] < 65:
        words.pop()
    while words and _CJK.fullmatch(words[0][0]) and words[0][1] < 65:
        words.pop(0)
    cjk = [c for w, c in words if _CJK.search(w)]
    if not cjk or min(cjk) < sure or any(_CJK.search(w) and not _CJK.fullmatch(w) for w, _ in words):
        return None

    def letters(text: str) -> str:
        return "".join(ch for ch in text if ch.isalnum() and not _CJK.match(ch))

    if not letters(latin.text) or letters("".join(w for w, _ in words)) != letters(latin.text):
        return None
    return ocr.OcrResult(" ".join(w for w, _ in words), japanese.confidence, tuple(words))


_HANGUL = re.compile(r"[\u3130-\u318f\uac00-\ud7af]")
_SYLLABLE = re.compile(r"[\uac00-\ud7af]")


def _hangul_words(read: ocr.OcrResult) -> list[tuple[str, float, tuple[int, int, int, int]]]:
    """The Korean reading's runs of Hangul syllables as words (text, mean symbol confidence, box).

    The model gives each syllable as a word of its own: words are cut where its text has a space."""
    if not read.symbols or len(read.symbol_confidences) != len(read.symbols):
        return []
    runs: list[list[tuple[str, float, tuple[int, int, int, int]]]] = []
    run: list[tuple[str, float, tuple[int, int, int, int]]] = []
    end = 0
    for (symbol, box, _), confidence in zip(read.symbols, read.symbol_confidences, strict=True):
        at = read.text.find(symbol, end)
        if at < 0:
            return []
        if _HANGUL.fullmatch(symbol) and run and " " not in read.text[end:at]:
            run.append((symbol, confidence, box))
        else:
            if run:
                runs.append(run)
            run = [(symbol, confidence, box)] if _HANGUL.fullmatch(symbol) else []
        end = at + len(symbol)
    if run:
        runs.append(run)
    words = []
    for run in runs:
        boxes = [b for *_, b in run]
        box = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
        words.append(("".join(t for t, _, _ in run), float(np.mean([c for _, c, _ in run])), box))
    return words


def _with_hangul(latin: ocr.OcrResult, korean: ocr.OcrResult, *, unsure: float = 80.0) -> tuple[ocr.OcrResult, float]:
    """The Korean model's Hangul words put in place of the Latin words they lie over ("[VENi] 쏘옹진갱":
    the Korean model misreads the tag, the Latin models the name), and how sure the Korean model is of
    its Hangul. The model also reads Latin letters and icons as Hangul, and surely, so each Hangul word
    must take the place of Latin words the Latin models were ``unsure`` of and that hold no run of four
    letters ("Stevie" is no Hangul); the result's confidence is no higher than its Latin words'."""
    none = (ocr.OcrResult("", 0.0), 0.0)
    hangul = _hangul_words(korean)
    if not hangul or len(latin.boxes) != len(latin.words):
        return none
    latin_words = list(zip(latin.words, latin.boxes, strict=True))

    def under(box: tuple[int, int, int, int]) -> list[tuple[str, float]]:  # mostly under a Hangul word
        return [w for w, b in latin_words if min(box[2], b[2]) - max(box[0], b[0]) > 0.5 * (b[2] - b[0])]

    if not all(_SYLLABLE.search(text) for text, _, _ in hangul):
        return none  # letters (jamo) alone, no syllable: strokes of something else
    if np.median([c for w, c in korean.words if _HANGUL.search(w)]) < 55:
        # sure of each stroke but not of the words ("[HEI]" read as "먼티국": 41, 49, 0; real
        # names 65 and up)
        return none
    for *_, box in hangul:
        replaced = under(box)
        if not replaced or any(c >= unsure or re.search(r"[^\W\d_]{4,}", w) for w, c in replaced):
            return none
    kept = [(w, c, b) for (w, c), b in latin_words if not any((w, c) in under(hb) for *_, hb in hangul)]
    merged = sorted(kept + hangul, key=lambda word: word[2][0])
    sureness = float(np.mean([c for _, c, _ in hangul]))
    words = tuple((w, c) for w, c, _ in merged)
    confidence = min([sureness] + [c for _, c, _ in kept])
    return ocr.OcrResult(" ".join(w for w, _ in words), confidence, words, tuple(b for *_, b in merged)), sureness


def _with_underscores(prepared: np.ndarray, result: ocr.OcrResult) -> ocr.OcrResult:
    """Words joined by an underscore where one lies in the gap between them."""
    if len(result.words) < 2 or len(result.boxes) != len(result.words):
        return result
    gaps = marks.underscores(prepared)
    if not gaps:
        return result
    words, boxes = [result.words[0]], [result.boxes[0]]
    for word, box in zip(result.words[1:], result.boxes[1:], strict=True):
        left, right = boxes[-1][2], box[0]
        if any(left - 2 <= (x1 + x2) / 2 <= right + 2 for x1, x2 in gaps):
            words[-1] = (f"{words[-1][0]}_{word[0]}", min(words[-1][1], word[1]))
            boxes[-1] = (boxes[-1][0], min(boxes[-1][1], box[1]), box[2], max(boxes[-1][3], box[3]))
        else:
            words.append(word)
            boxes.append(box)
    if len(words) == len(result.words):
        return result
    return ocr.OcrResult(" ".join(w for w, _ in words), result.confidence, tuple(words), tuple(boxes))


def _with_words(result: ocr.OcrResult, words: tuple[tuple[str, float], ...]) -> ocr.OcrResult:
    """``result`` respelt as ``words`` (one per word, confidences kept), its boxes and symbols kept."""
    if words == result.words:
        return result
    return ocr.OcrResult(" ".join(w for w, _ in words), result.confidence, words, result.boxes, result.symbols)


def _with_bars(result: ocr.OcrResult, letters: tuple[tuple[int, str], ...]) -> ocr.OcrResult:
    """``result`` with the I/l bars that ``stems.measure_bars`` told apart spelt as told."""
    return _with_words(result, stems.respelt(result.words, result.symbols, letters))


def _with_case(result: ocr.OcrResult, prepared: np.ndarray) -> ocr.OcrResult:
    """``result`` with letters such as c, o, s and x in the case their height shows (see ``stems``)."""
    letters = stems.case_by_height(prepared, result.symbols) if result.symbols else ()
    return _with_words(result, stems.recased(result.words, result.symbols, letters))


def _bars_by_screen(items: list[TextItem]) -> list[TextItem]:
    """Names whose bars only their height could tell, spelt so when the screen's other names show
    that its font puts ascenders above capitals (one font, one size for all names on a screen)."""
    gaps = [g for item in items if item.kind == "name" for g in item.bar_gaps]
    if len(gaps) < 2 or float(np.median(gaps)) < stems.MIN_GAP:
        return items
    return [replace(item, text=item.if_bars_apart) if item.if_bars_apart else item for item in items]


def _with_symbols(result: ocr.OcrResult, symbols: list[tuple[str, int]]) -> ocr.OcrResult:
    """``result`` spelt with ``symbols`` ((text, word index)), word confidences kept."""
    spelt = ["" for _ in result.words]
    for text, word in symbols:
        if word >= len(spelt):
            return result
        spelt[word] += text
    if not all(spelt):
        return result
    respelt = _with_words(result, tuple((w, c) for w, (_, c) in zip(spelt, result.words, strict=True)))
    if all(text for text, _ in symbols) or len(symbols) != len(result.symbols):
        return respelt
    # a symbol made part of its neighbour's letter ("ii" made "ü") leaves the symbols, which stay one
    # per character for what measures letters after this ("Byquaü144": the flagged one of "l44")
    kept = tuple((text, box, word) for (text, _), (_, box, word) in zip(symbols, result.symbols, strict=True) if text)
    return ocr.OcrResult(respelt.text, respelt.confidence, respelt.words, respelt.boxes, kept)


def _without_solid_ends(result: ocr.OcrResult, prepared: np.ndarray) -> ocr.OcrResult:
    """``result`` without a one-character word at either end drawn as one solid blob about as wide as
    tall: an icon beside the name (a pentagon read "9" or "®"); a digit is strokes, not a filled shape
    (a bold 8 is nearly as dark, but with two holes)."""
    if len(result.words) < 2 or len(result.boxes) != len(result.words):
        return result
    keep = list(range(len(result.words)))

    def solid(i: int) -> bool:
        word, _ = result.words[i]
        x1, y1, x2, y2 = result.boxes[i]
        ink = prepared[max(y1, 0) : y2, max(x1, 0) : x2] < 128
        if len(word) != 1 or not ink.size or not 0.7 <= (x2 - x1) / max(y2 - y1, 1) <= 1.4:
            return False
        return float(ink.mean()) >= 0.65 and _holes(ink) < 2

    while len(keep) > 1 and solid(keep[-1]):
        keep.pop()
    while len(keep) > 1 and solid(keep[0]):
        keep.pop(0)
    return _keeping(result, keep)


def _keeping(result: ocr.OcrResult, keep: list[int]) -> ocr.OcrResult:
    if len(keep) == len(result.words):
        return result
    words = tuple(result.words[i] for i in keep)
    boxes = tuple(result.boxes[i] for i in keep)
    return ocr.OcrResult(" ".join(w for w, _ in words), result.confidence, words, boxes, result.symbols)


FAINTER = 80  # grey levels: how much lighter than the name's ink an icon's is, at the darkest of each


def _without_faint_ends(result: ocr.OcrResult, prepared: np.ndarray) -> ocr.OcrResult:
    """``result`` without a short word at either end drawn in a lighter ink than the words it ends: an
    icon in another colour read as letters ("ıM4" off a grey crown after "Bragonlux_Luüne"). A name is
    written in one colour, and the crop is stretched so that its darkest ink is black. A rank before the
    name, in the numbers' colour, stays: it is split off as a number later."""
    if len(result.words) < 2 or len(result.boxes) != len(result.words):
        return result
    cores = []
    for x1, y1, x2, y2 in result.boxes:
        patch = prepared[max(y1, 0) : y2, max(x1, 0) : x2]
        ink = patch[patch < 200]
        cores.append(float(np.percentile(ink, 10)) if ink.size else None)
    keep = list(range(len(result.words)))

    def faint(i: int) -> bool:
        word, rest = result.words[i][0], [cores[j] for j in keep if j != i and cores[j] is not None]
        if len(word) > 3 or word.isdigit() or cores[i] is None or not rest:
            return False
        return cores[i] - min(rest) >= FAINTER

    while len(keep) > 1 and faint(keep[-1]):
        keep.pop()
    while len(keep) > 1 and faint(keep[0]):
        keep.pop(0)
    return _keeping(result, keep)


def _holes(ink: np.ndarray) -> int:
    """Areas of background that ink encloses in a box (an 8 has two, a filled pentagon none)."""
    n, labels = cv2.connectedComponents((~ink).astype(np.uint8), connectivity=4)
    edge = set(np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])).tolist())
    return sum(1 for k in range(1, n) if k not in edge)


def _trim_words(result: ocr.OcrResult) -> str:
    """Drop low-confidence junk words at either end (an icon read as ``©`` or ``|``)."""
    words = list(result.words)
    # a name spelt with its letters spaced out ("D A D D Y"): its letters are no icons
    spaced = sum(len(w) == 1 and w.isalpha() and c >= 85 for w, c in words) >= 3

    def junk(word: str, conf: float) -> bool:
        alnum = sum(ch.isalnum() for ch in word)
        kept = (_CJK.match(word) or spaced and word.isalpha()) and conf >= 85
        if len(word) == 1 and not word.isdigit() and not kept:
            return True  # an icon beside the name read as a letter or symbol (a sure Hangul syllable stays)
        if conf < 85 and not TAG_AS_READ.fullmatch(word) and (_ODD.search(word) or word.count("[") != word.count("]")):
            return True  # a badge read as "(18§" or "[ty"; not a tag whose "]" was read as ")" (see fix_tag)
        return conf < 65 and (alnum == 0 or len(word) <= 2 or alnum < len(word) / 2)

    while len(words) > 1 and junk(*words[-1]):
        words.pop()
    while len(words) > 1 and junk(*words[0]):
        words.pop(0)
    text = " ".join(w for w, _ in words) if words else ""
    return fix_tag(fix_leading_zero(fix_capital_i(clean_read(text))))


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
            # a row whose name was not read is known by its numbers: the same on two screenshots of a day
            key = fold(row.name) or f"#{row.values}"
            match = next(
                (i for i, k in enumerate(keys) if k == key or (key[0] != "#" and fuzz.ratio(k, key) >= min_similarity)),
                None,
            )
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
