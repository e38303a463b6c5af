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
from looplab.alliance.classifier import NAME, NUMBER, OTHER, RegionClassifier, normalise_crop
from looplab.alliance.names import TAG, fold, tags_as_most_rows
from looplab.alliance.number_reading import (
    as_number,
    digit_share,
    digits_after_letters,
    digits_as_drawn,
    drawn_number,
    eared,
    glued_word,
    icon_glued_number,
    reading_rank,
    with_lost_separators,
    without_edge_icons,
    without_edge_picture,
)
from looplab.alliance.numbers import has_digits, parse_number, split_pair
from looplab.alliance.respell import respell
from looplab.alliance.rows import TextItem, group_rows, usual_count
from looplab.alliance.scripts import read_cjk
from looplab.alliance.words import (
    ODD,
    trim_words,
    with_bars,
    with_case,
    with_closing_bracket,
    with_underscores,
    without_bar_before_bracket,
    without_doubled_bracket,
    without_faint_ends,
    without_made_up_bars,
    without_made_up_points,
    without_made_up_spaces,
    without_solid_ends,
)
from looplab.imaging.regions import Box, find_text_regions, parts_at_widest_gap, to_gray


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
            if self._picture(region, p):
                continue  # an icon, badge or avatar; wide regions may be text glued to one
            item = self._read_one(gray, region, p)
            if item is None and p[OTHER] >= self.other_threshold:
                item, p = self._read_beside_picture(gray, region) or (None, p)
            if item is None and p[NAME] >= 0.9:
                # a name the classifier is sure of, lost to a reading at another scale that trimmed to
                # nothing ("[HEI]lordjoyfull" read "[H EI]IorqquJ:ull" at 0.75 of its height): as first read
                item = self._read_one(gray, region, p, rescale=False)
            # "4 4" read off a badge's two ears, cut by the list's end, the classifier sure (seed 25063);
            # "11" off a badge with ears 43x57 px (seed 25696): two digits side by side are wider than 0.8
            # of their height in every font
            badge_digits = p[OTHER] >= 0.99 or (p[OTHER] >= 0.9 and region.w < 0.8 * region.h)
            if item is not None and item.kind == "number" and len(str(item.value)) == 2 and badge_digits:
                continue
            if item is not None:
                item = replace(item, pictured=float(p[OTHER]))
                for part in _split_leading_rank(item):
                    for piece in _split_trailing_number(part):
                        items.extend(_split_pair(piece))
        return _bars_by_screen(_drop_big_short_names(_drop_small_print(items)))

    def _picture(self, region: Box, p: np.ndarray) -> bool:
        """Whether a region is left unread as a picture: the classifier sure of it, and not wide enough to
        hold text glued to one."""
        return p[OTHER] >= self.other_threshold and region.w < 2 * region.h

    def _read_beside_picture(self, gray: np.ndarray, region: Box) -> tuple[TextItem, np.ndarray] | None:
        """The number in a region the classifier takes for a picture, read as nothing: a picture's piece
        chained to the icon and number beside it (a roster card's photo whose frame broke where the photo
        is as light as it: "140.6M" lost on a real screen). Of its two parts either side of its widest gap,
        one alone must read as a number, surely; a section header ("R4 Vanguards 1/9") reads as two."""
        parts = parts_at_widest_gap(gray, region)
        if not parts:
            return None
        proba = self.classifier.predict_proba(np.stack([normalise_crop(gray[b.y : b.y2, b.x : b.x2]) for b in parts]))
        read = [(self._read_one(gray, b, q), q) for b, q in zip(parts, proba, strict=True) if not self._picture(b, q)]
        read = [(item, q) for item, q in read if item is not None]
        if len(read) != 1 or read[0][0].kind != "number" or read[0][0].confidence < 80:
            return None
        return read[0]

    def _read_one(self, gray: np.ndarray, region: Box, p: np.ndarray, *, rescale: bool = True) -> TextItem | None:
        padded = region.pad(max(2, region.h // 6), gray.shape, py=max(2, region.h // 4))
        crop = gray[padded.y : padded.y2, padded.x : padded.x2]
        text_height = max(region.char_h, region.h // 3) or region.h
        core = (region.y - padded.y, region.y2 - padded.y)
        prepared = ocr.prepare_crop(crop, text_height=text_height, core=core)
        if region.w <= 1.5 * region.h and p[NAME] < 0.5 and eared(prepared):
            return None  # a badge with ears, read as a rank "6" at 94 or "18" (seeds 25923, 25688)
        readings = [(ocr.read_line(prepared, symbols=True), prepared, crop, text_height)]
        if not readings[0][0].text.strip():
            # nothing read in line mode off a blurred grey crop ("90982" in 10 px type, seed 27082), where
            # the crop made black and white reads cleanly: Tesseract's own thresholding lost the line
            binary = np.where(prepared < 128, 0, 255).astype(np.uint8)
            again = ocr.read_line(binary, symbols=True)
            if again.text.strip():
                readings[0] = (again, binary, crop, text_height)
                prepared = binary
        found = without_edge_icons(crop, prepared, readings[0][0], core)
        if found is not None:
            # an icon glued to the text: read the text alone, at the scale of its own height
            inner, inner_height = found
            again = ocr.prepare_crop(inner, text_height=inner_height)
            readings.append((ocr.read_line(again, symbols=True), again, inner, inner_height))
        elif (
            has_digits(readings[0][0].text)
            and (_digits_dropped(readings[0][0]) or readings[0][0].confidence < 85)
            and not _OPENING_WORD.match(readings[0][0].text)
        ):
            # digits with a picture glued before them, read as part of the number ("'%41,051" for a
            # sword icon and "1,051"): the number alone, kept when it reads as a number more surely; not
            # a name's letters run together ("Kiåg329": "iåg" one blob as tall as a picture, seed 24283)
            found = without_edge_picture(crop, region)
            if found is not None:
                inner, inner_height = found
                again = ocr.prepare_crop(inner, text_height=inner_height)
                reading = ocr.read_line(again, symbols=True)
                if as_number(reading) is not None:
                    readings.append((reading, again, inner, inner_height))
        best = _closing_its_tag(readings, max(readings, key=reading_rank))
        if found is not None and best is readings[0] and p[NAME] >= 0.5:
            cut = readings[-1][0]
            if _WORD_OPENING_LETTER.match(cut.text) and as_number(cut) is None:
                # read at the icon's height the name's letters became digits ("Iroó779 ®" read "1106779 ®");
                # read at its own height, a letter no digit looks like opens it ("Iro6779")
                best = readings[-1]
        if found is not None and best is readings[0] and _point_kept(readings[0][0], readings[-1][0]):
            best = readings[-1]  # "1.2M" read "® 12m" with the icon, its point lost (seed 24166)
        if found is not None and best is readings[0] and _read_shrunk(readings[0][0], readings[-1][0]):
            best = readings[-1]  # "322,594" read "| 322,504" at half its size beside a bar (seed 28056)
        unsure = best[0].confidence < self.retry_below and (as_number(best[0]) is None or best[0].confidence < 50)
        # digits and a unit read as a symbol ("0.8M" read "0.8“" at 65, its 8 and M one blob; seed 25805)
        unit_lost = p[NUMBER] >= 0.5 and _UNIT_AS_SYMBOL.fullmatch(best[0].text) is not None
        if rescale and (unsure or unit_lost):
            # the height estimate may be off (a speck beside "4M" made its region twice its height, read
            # "4aM" at 32): try two other scales
            _, _, best_crop, best_height = best
            for factor in (1.45, 0.75):
                again = ocr.prepare_crop(best_crop, text_height=round(best_height * factor))
                readings.append((ocr.read_line(again, symbols=True), again, best_crop, best_height))
            best = max(readings, key=reading_rank)
            wordy = [r for r in readings if re.search(r"[^\W\d_]", r[0].text)]
            if as_number(best[0]) is None and len(wordy) > 1:
                # a name: the English model is unsure of most ("[HEI]DaffyDuckling" 27, a garbled
                # reading at another scale 61); the names models tell a right reading better
                best = max(wordy, key=lambda r: ocr.read_line(r[1], kind="names").confidence)
        shrink = _digits_shrunk(best[0])
        if shrink is not None:
            # a number read at an icon's height, its digits half the size Tesseract reads best ("754,844"
            # beside a target as tall as the region read "754,344" at 73, seed 25179): read larger, half
            # way there on a log scale (all the way, other digits go wrong: "55,702,092" read "55,702,002")
            _, _, best_crop, best_height = best
            height = max(4, round(best_height * shrink**0.5))
            again = ocr.prepare_crop(best_crop, text_height=height, core=core if best_crop is crop else None)
            reading = ocr.read_line(again, symbols=True)
            if as_number(reading) is not None and reading.confidence >= 85 > best[0].confidence:
                best = (reading, again, best_crop, best_height)  # sure at its own height, else as read
        result, prepared = best[0], best[1]
        if p[NAME] >= 0.5 and result.confidence < self.retry_below:
            # a name in a script the Latin models cannot read ("로이시" read as "20JA|"), before its
            # made-up digits send it down the number path
            found_marks = marks.accent_marks(prepared)
            cjk = read_cjk(prepared, found_marks, result, below=self.retry_below)
            whole, whole_prepared = readings[0][0], readings[0][1]
            if cjk is None and found is not None and best is not readings[0] and whole.confidence < self.retry_below:
                # Hangul read by the Latin models as junk at the line's end, cut off as an icon ("[VENi] 킹 혁"
                # read "[VENi]" alone, riseofkingdoms_1): the whole line read by the CJK models
                cjk = read_cjk(whole_prepared, marks.accent_marks(whole_prepared), whole, below=self.retry_below)
            if cjk is not None:
                return TextItem(region, "name", trim_words(cjk), cjk.confidence)
        if (
            (p[NUMBER] >= 0.5 or result.text.isdigit())
            and has_digits(result.text)
            and (region.w <= 1.5 * region.h or _LONE_RANK.fullmatch(result.text))
        ):
            result = digits_as_drawn(prepared, result, iconish=p[OTHER] >= 0.2)
        if split_pair(result.text) is not None:
            result = with_lost_separators(prepared, result)  # "94,242 633": a comma read as a space
            if split_pair(result.text) is not None:
                return TextItem(region, "number", result.text, result.confidence)  # two columns: see _split_pair
        number = as_number(result)
        lettered_first = re.search(r"[^\W\d_]", readings[0][0].text) and readings[0][0].confidence < 60
        if p[NAME] >= 0.5 and lettered_first and number is not None and number[1] < 60:
            # "Ozço456" read "0z¢0456" (33), at another scale "0260456": the names models read its
            # letters ("0zco456", 78)
            named = ocr.read_line(readings[0][1], kind="names", symbols=True)
            if named.confidence >= 70 and re.search(r"[^\W\d_]{3,}", named.text):
                result, prepared, number = named, readings[0][1], None
        if number is not None and p[NAME] >= 0.5 and glued_word(number[0]):
            number = None  # "4haak": a name with a picture's edge read as a digit, no number with a unit
        worded = number is not None and re.search(r"[^\W\d_]{3,}", number[0])
        if worded and p[NAME] >= 0.9 and not _VALUE_AND_UNIT.match(number[0]) and not _LABEL.search(number[0]):
            # "5 Akakfin": a rank and a name (see _split_leading_rank), not "7,216 points" or "Power: 4,118"
            number = None
        ranked = number is not None and _RANK_AND_WORD.match(number[0]) and not _LABEL.search(number[0])
        if ranked and (p[NAME] >= 0.2 or number[0].split()[1][0].isupper()):
            # "7 Wolf", "3 Obi" that the classifier finds partly a name: a rank and a name; so is a rank and
            # a capitalised word the classifier takes for a number by its digit ("4 Vili", seed 24286)
            number = None
        if number is not None:
            if p[NUMBER] >= 0.8:  # not an avatar's rim read "> 4" at 0.51 (as digits "24", seed 26337)
                number = _with_digits_model_digits(number, prepared)
            text, confidence, value = drawn_number(*number, prepared)
            iconish = p[OTHER] >= (0.9 if confidence >= 95 else 0.8)
            made_up_stroke = confidence < 80 and re.search(r"[^\d\s.,#]", text)  # "1|" off a sword badge
            # one digit is taller than wide; a badge, an icon or a stroke made up off one is not
            glyph_shaped = region.w <= 0.9 * region.h and not (iconish or made_up_stroke)
            if len(str(value)) == 1 and confidence < 60 and p[NUMBER] >= 0.5 and glyph_shaped:
                # a rank 4 in 18 px type read at 54 (seed 26140): kept where the digits model reads it
                # surely; not a square sword badge read "4" (a real screen, whiteoutsurvival_20251114_000508)
                digits = ocr.read_line(prepared, digits=True)
                if digits.text.strip() == text.strip() and digits.confidence >= 90:
                    confidence = digits.confidence
            if len(str(value)) == 1 and (value == 0 or iconish or confidence < 60 or made_up_stroke):
                return None  # a lone "0" or "4" read off a badge or icon
            if len(str(value)) <= 2 and made_up_stroke and confidence < 50 and p[OTHER] >= 0.5:
                return None  # "I8" read at 34 off a badge with ears that the classifier finds a picture
            return TextItem(region, "number", text, confidence, value)
        unsure = p[NUMBER] >= 0.5 and result.confidence < 70
        wordy = re.search(r"[^\W\d_]{3,}", result.text) is not None  # "Oel559" is a name
        # a lone digit the line model took for symbols ("4" read as "/]"): the classifier says number
        # and the reading holds no letter, so read it again as digits
        symbols_only = p[NUMBER] >= 0.5 and result.text and not re.search(r"[^\W\d_]", result.text)
        # a lone rank read as one letter ("6" as "D"), or as two bars ("1" whose flag shows a gap read "il",
        # seed 24622), the classifier leaning to a number: no name is one letter
        lone_letter = (
            p[NUMBER] >= max(p[NAME], p[OTHER])
            and (len(result.text.strip()) == 1 or _TWO_BARS.fullmatch(result.text.strip()))
            and region.w <= 1.5 * region.h
        )
        # letters enough that the classifier, sure of a name, is believed ("èose469" read "eo0se469"), or
        # a letter no digit looks like between digits ("Iöon30" read "16on30")
        lettered = (
            (p[NAME] >= 0.9 and len(re.findall(r"[^\W\d_]", result.text)) >= 3)
            or (p[NAME] >= 0.75 and _LETTER_AMONG_DIGITS.search(result.text) is not None)
            or (p[NAME] >= 0.5 and result.confidence >= 80 and _WORD_OPENING_LETTER.match(result.text) is not None)
        )
        digity = has_digits(result.text) and not wordy and not lettered
        if (
            digity
            and re.search(r"[^\W\d_]", result.text)
            and any(m.kind != marks.DOT for m in marks.accent_marks(prepared))
        ):
            digity = False  # a letter read and an accent over a glyph: "Zóo233" read "Z60233"; no digit has one
        if _FRACTION.fullmatch(result.text) and result.confidence >= 80:
            # "Join 18/30", "0/10": a count out of a limit, no member's value; read as digits alone its
            # slash becomes a 7 ("18730")
            return TextItem(region, "label", result.text, result.confidence)
        if p[NUMBER] >= max(p[NAME], p[OTHER]) and result.text.strip() in ("K", "M", "B"):
            # a unit whose digit the line model dropped ("9M" read "M" at 33, seed 25778): the digits model
            # reads the two
            digits = ocr.read_line(prepared, digits=True, single_word=True)
            value = parse_number(digits.text)
            if value is not None and has_digits(digits.text) and digits.confidence >= 90:
                return TextItem(region, "number", *drawn_number(digits.text, digits.confidence, value, prepared))
        if lone_letter and not symbols_only:
            # read as digits the way a lone rank is ("11" read "n", as digits "1.1" with a made-up point)
            drawn = digits_as_drawn(prepared, result, iconish=p[OTHER] >= 0.2)
            value = parse_number(drawn.text) if drawn is not result else None
            if value and drawn.confidence >= 80:
                return TextItem(region, "number", *drawn_number(drawn.text, drawn.confidence, value, prepared))
            return None
        if symbols_only or digity and (unsure or digit_share(result.text) >= 0.5):
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
                text, confidence, value = drawn_number(digits.text, digits.confidence, value, prepared)
                return TextItem(region, "number", text, confidence, value)
            if p[NUMBER] >= 0.5 and digit_share(result.text) >= 0.5 and not named:
                return TextItem(region, "number", result.text, 0.0, None)
        if prepared is best[1] and _marks_lost_smaller(readings[0], best):
            result, prepared = readings[0][0], readings[0][1]
        result = without_doubled_bracket(without_bar_before_bracket(respell(prepared, result), prepared), prepared)
        result = without_made_up_points(result)
        result = without_made_up_bars(with_closing_bracket(result, prepared), prepared)
        if p[NUMBER] >= 0.5 and _ONE_AND_UNIT.fullmatch(result.text):
            # "1M" read "M" by the line model, "IM" by the names model: a one and its unit, no name
            text = "1" + result.text[-1]
            return TextItem(region, "number", text, result.confidence, parse_number(text))
        respelt_number = as_number(result) if p[NAME] < 0.5 and p[OTHER] < 0.8 else None
        if respelt_number is not None and respelt_number[1] >= 70 and not re.search(r"[^\W\d_]{2,}", respelt_number[0]):
            # a number the names models read cleanly where the line model made up a letter ("0.1IM")
            text, confidence, value = drawn_number(*respelt_number, prepared)
            return TextItem(region, "number", text, confidence, value)
        number = icon_glued_number(best[2], prepared, result, p)
        if number is not None:
            text, confidence, value = drawn_number(*number)
            return TextItem(region, "number", text, confidence, value)
        bars = stems.measure_bars(prepared, result.symbols) if result.symbols else stems.Bars()
        # where the screen shows no height apart, a bar starting a word is spelt as the name's other words start
        dotless = {i for i, letter in bars.if_apart if letter == "I"}  # bars as tall as the capitals
        capitals = stems.capital_starts(result.symbols, {i for i, _ in bars.sure}, dotless)
        told = {i for i, _ in bars.if_apart}

        def spelt(letters: tuple[tuple[int, str], ...]) -> ocr.OcrResult:
            return digits_after_letters(
                prepared, with_underscores(prepared, with_case(with_bars(result, letters), prepared))
            )

        # read as if the font's ascenders rose above its capitals: its own height decisions over the line's
        apart = spelt(tuple(b for b in bars.sure + capitals if b[0] not in told) + bars.if_apart)
        result = without_faint_ends(without_solid_ends(spelt(bars.sure + capitals), prepared), prepared)
        name = trim_words(without_made_up_spaces(result, prepared))
        if p[NAME] < 0.5 and _DECIMAL_AND_UNIT.fullmatch(name):
            # a value with its point and unit, left once an icon's made-up letter was trimmed ("D 0.6M" for
            # a pentagon and "0.6M", seed 25104): no member is called that
            return TextItem(region, "number", name, result.confidence, parse_number(name))
        if not name or not any(unicodedata.category(ch).startswith("L") for ch in name):
            return None
        if sum(ch.isalnum() for ch in name) < 2:
            return None
        # a picture's shape (taller than wide: an avatar, a crown) that the classifier leans to calling one
        iconic = p[OTHER] >= self.other_threshold or (p[OTHER] >= 0.8 and region.w < region.h)
        # two letters guessed off a picture's shape the classifier leans to ("gu" off a badge with ears, "il"
        # at 78 off a square icon 72x68 px, seed 24119): two letters and their outline are wider than tall
        tall_shape = region.w < region.h and result.confidence < 70
        square_shape = region.w < 1.2 * region.h and result.confidence < 85 and p[OTHER] > p[NUMBER]
        guessed = len(name) < 3 and p[OTHER] > p[NAME] and (tall_shape or square_shape)
        # ... of any shape, where the classifier takes it for a picture: "Oo" at 72 off a badge and an
        # avatar's rim (0.79 a picture, 0.09 a name) took the row's numbers from the name above (seed
        # 25605); "ーマ" read surely by the Japanese model off a badge's ears (0.95, seed 25719). A name in a
        # script the classifier never saw, read unsurely, is kept ("루 나" on a real screen)
        unsure_latin = p[OTHER] >= 0.7 and result.confidence < 80 and name.isascii()
        pictured = p[NAME] < 0.2 and (p[OTHER] >= 0.9 or unsure_latin)
        guessed |= len(name) < 3 and pictured
        # three characters off a shape taller than wide (a rank's badge with ears read "l_e" at 72, seed 24656)
        guessed |= len(name) == 3 and p[OTHER] > p[NAME] and region.w < region.h
        # a word of three letters or more where the classifier sees no picture at all: a name it took for
        # a number by its digits, read unsurely for a letter no model spells ("øvi307" at 22, seed 23783)
        worded_text = p[OTHER] < 0.05 and re.search(r"[^\W\d_]{3,}", name) is not None
        # ... or where an alliance's tag opens it, a word after it: no icon reads as letters in brackets
        # ("[HEI]%BAZOOKA®" at 2, its ornaments read as symbols, the classifier torn between name and number)
        tag = TAG.match(name)
        tagged = tag is not None and p[OTHER] < 0.5 and re.search(r"[^\W\d_]{3,}", name[tag.end() :]) is not None
        unsure_garbage = result.confidence < 40 and p[NAME] < 0.5 and not (worded_text or tagged)
        if unsure_garbage or iconic and (result.confidence < 70 or len(name) < 3) or guessed:
            return None  # garbage read off an icon or picture ("Oe" off a badge and a pentagon)
        if _LABEL.search(name):
            # no member, and its number neither; only a sure reading, as a label drops that number
            return TextItem(region, "label", name, result.confidence) if result.confidence >= 60 else None
        if_apart = None
        if bars.if_apart:
            if_apart = trim_words(without_faint_ends(without_solid_ends(apart, prepared), prepared))
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
            odd = ODD.findall(g.name.text)
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
        names = tags_as_most_rows([row.name for row in rows])
        return [replace(row, name=name) for row, name in zip(rows, names, strict=True)]


def _with_digits_model_digits(number: tuple[str, float, int], prepared: np.ndarray) -> tuple[str, float, int]:
    """An unsure number reading that dropped a digit the digits model reads surely ("32M" in a
    condensed bold read "2™" at 45, "51M" read "5IM" at 57; seeds 26131, 26157): the digits model's line
    reading (its word mode drops characters too), where its digits hold the line model's in order and more."""
    text, confidence, _ = number
    if confidence >= 60:
        return number
    digits = ocr.read_line(prepared, digits=True)
    value = parse_number(digits.text)
    drawn, read = re.sub(r"\D", "", digits.text), re.sub(r"\D", "", text)
    remaining = iter(drawn)
    if value is None or digits.confidence < 90 or len(drawn) <= len(read) or not all(d in remaining for d in read):
        return number
    return digits.text, digits.confidence, value


def _closing_its_tag(readings: list[tuple], best: tuple, near: float = 15.0) -> tuple:
    """Of a crop's readings, one that opens a bracket and closes it, not far below the best by
    confidence, over a best that opens one and does not close it ("[RWZ]Elshafin" read "[RWZEIshafin ®"
    at 73 with an icon, right at 60 without it, seed 26209; "[NLE[Lady ®" at 75, "[NLE]Lady" at 72). Not
    a reading with no bracket at all: a tag's region read "[HEI" at 12 is no garbage read surer."""

    def unclosed(text: str) -> bool:
        return "[" in text and text.count("[") != text.count("]")

    if not unclosed(best[0].text):
        return best
    closing = [r for r in readings if "[" in r[0].text and not unclosed(r[0].text)]
    surest = max(closing, key=lambda r: r[0].confidence, default=None)
    return surest if surest is not None and surest[0].confidence >= best[0].confidence - near else best


def _digits_dropped(reading: ocr.OcrResult) -> bool:
    """No number read, or one read with digits left off as an icon's ("O ;2 621 121" for a target icon
    and "82 621 121": "621 121", seed 24426)."""
    number = as_number(reading)
    return number is None or sum(map(str.isdigit, number[0])) < sum(map(str.isdigit, reading.text))


def _digits_shrunk(reading: ocr.OcrResult, sure: float = 85.0, small: float = 0.65) -> float | None:
    """How much smaller than ``ocr.TARGET_HEIGHT`` the digits of a number read unsurely were drawn, when
    under ``small`` of it; None else."""
    if reading.confidence >= sure or as_number(reading) is None:
        return None
    heights = _digit_heights(reading)
    if len(heights) < 2:
        return None
    ratio = float(np.median(heights)) / ocr.TARGET_HEIGHT
    return ratio if ratio < small else None


def _digit_heights(reading: ocr.OcrResult) -> list[int]:
    return [box[3] - box[1] for text, box, _ in reading.symbols if text.isdigit()]


def _digit_shape(text: str) -> str:
    """A number's digits and separators, each digit a 0 ("| 322,504" -> "000,000")."""
    return re.sub(r"\d", "0", re.sub(r"[^\d.,]", "", text))


def _read_shrunk(first: ocr.OcrResult, cut: ocr.OcrResult, small: float = 0.65) -> bool:
    """Whether ``first`` and ``cut`` (the crop read again without an icon, at the text's own height)
    read numbers of one shape (as many digits, the same separators) but other digits, ``first``'s drawn
    under ``small`` of ``ocr.TARGET_HEIGHT`` and ``cut``'s at that size or larger: Tesseract misreads
    small digits, and surely too (a 9 read as a 0 at 95 at 15 px, as a 9 at 25 px)."""
    a, b = as_number(first), as_number(cut)
    if a is None or b is None or a[2] == b[2]:
        return False
    if _digit_shape(a[0]) != _digit_shape(b[0]):
        return False
    heights = _digit_heights(first), _digit_heights(cut)
    if min(len(heights[0]), len(heights[1])) < 2:
        return False
    target = small * ocr.TARGET_HEIGHT
    return float(np.median(heights[0])) < target <= float(np.median(heights[1]))


def _point_kept(first: ocr.OcrResult, cut: ocr.OcrResult) -> bool:
    """Whether ``cut`` (read without an icon) is the number ``first`` read, its digits the same, with a
    decimal point ``first`` lost."""
    a, b = as_number(first), as_number(cut)
    if a is None or b is None:
        return False
    digits = [re.sub(r"\D", "", text) for text in (a[0], b[0])]
    return digits[0] == digits[1] and "." in b[0] and "." not in a[0]


def _marks_lost_smaller(first: tuple, best: tuple) -> bool:
    """Whether the reading taken was read smaller than the first, and the first's crop shows accent
    marks that the smaller one lost ("Mórakli": its acute shrinks into the o, and the German model
    reads "Mörakli"); respelt from the first crop, the name keeps its marks. A speck under a tenth of
    a capital high is no accent ("DragonNighø": a JPEG speck over its a)."""
    if best is first or best[2] is not first[2] or best[1].shape[0] >= first[1].shape[0]:
        return False  # not the first crop read smaller (an icon cut off makes another crop)
    found = [m for m in marks.accent_marks(first[1]) if m.y2 - m.y1 >= 0.1 * ocr.TARGET_HEIGHT]
    return bool(found) and not marks.accent_marks(best[1])


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


# "Power: 3,244" (when the number was not read), "55 minute(s) ago"
_LABEL = re.compile(r"\w:(?:\s|\d)|\w\(s\)")


def _drop_small_print(items: list[TextItem]) -> list[TextItem]:
    """Leave out text much smaller than the screen's usual text (badge digits, "2 hours ago"), whose
    box is small too: the pieces of a crown glued before a number made its measured height 13 px of
    the screen's 24, its box 22 px tall (seed 22978)."""
    heights = [i.box.char_h or i.box.h for i in items]
    if len(heights) < 4:
        return items
    usual = float(np.median(heights))
    return [i for i, h in zip(items, heights, strict=True) if h >= 0.55 * usual or i.box.h >= 0.8 * usual]


def _drop_big_short_names(items: list[TextItem]) -> list[TextItem]:
    """Leave out a "name" of one to three characters at least 1.8 times as tall as the screen's usual
    text, with a name beside it on its line: a badge before the member's name read as letters ("ol" off
    a crown twice the name's height)."""
    heights = [i.box.char_h or i.box.h for i in items]
    if len(heights) < 4:
        return items
    usual = float(np.median(heights))

    def badge(item: TextItem, height: int) -> bool:
        if item.kind != "name" or len(item.text.strip()) > 3 or height < 1.8 * usual:
            return False
        box = item.box
        return any(o.kind == "name" and o.box.x >= box.x2 and box.y <= o.box.cy <= box.y2 for o in items)

    return [i for i, h in zip(items, heights, strict=True) if not badge(i, h)]


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
_ONE_AND_UNIT = re.compile(r"[Il|][KMB]")
_UNIT_AS_SYMBOL = re.compile(r"\d[\d.,]*[^\w\s]+")  # "0.8“": digits, then symbols only
_DECIMAL_AND_UNIT = re.compile(r"\d{1,3}[.,]\d{1,2} ?[KMB]")
_LONE_RANK = re.compile(r"\d{1,2}")  # a rank alone: in a region made wider by a badge's edge
_TWO_BARS = re.compile(r"[iIl|!]{2}")
_NO_DIGIT_LOOKALIKE = r"[^\W\d_OoDQlIi|LSsBZzGgbqTt]"  # a letter no digit is read as
_LETTER_AMONG_DIGITS = re.compile(rf"\d[^\W\d_]*{_NO_DIGIT_LOOKALIKE}[^\W\d_]*\d")
# a word opening with such a letter, digits after it ("Ixli840" read "Ix1i840")
_WORD_OPENING_LETTER = re.compile(rf"[^\W\d_]*{_NO_DIGIT_LOOKALIKE}[^\W\d_]*\d")
_LEADING_ZERO = re.compile(r"0\d")
_OPENING_WORD = re.compile(r"[^\W\d_]{3,}")  # a word of three letters or more opening a reading
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


_GROUPED_NUMBER = re.compile(r"\d{1,3}([.,' ])\d{3}(?:\1\d{3})*")


def _split_trailing_number(item: TextItem) -> list[TextItem]:
    """``[NAX] Dragon_Thugonter 406.153.694`` (a name long enough to reach its number's column, found as
    one region, seed 26476) -> name and number. Only a number written in groups: a name may end in a
    word of digits, and a label's number ("Power: 3,244") stays with its label."""
    rest, _, last = item.text.rpartition(" ")
    if item.kind != "name" or not _GROUPED_NUMBER.fullmatch(last) or not re.search(r"[^\W\d_]", rest):
        return [item]
    if rest.rstrip().endswith((":", "：")):
        return [item]
    b, rest = item.box, rest.rstrip()
    cut = round(b.w * (len(item.text) - len(last)) / len(item.text))
    bars = item.if_bars_apart
    if bars is not None:
        bars = bars[: -len(last)].rstrip() if bars.endswith(last) else None
    name = replace(item, box=Box(b.x, b.y, max(cut, 1), b.h, b.char_h), text=rest, if_bars_apart=bars)
    number = TextItem(
        Box(b.x + cut, b.y, max(b.w - cut, 1), b.h, b.char_h), "number", last, item.confidence, parse_number(last)
    )
    return [name, number]


def _bars_by_screen(items: list[TextItem]) -> list[TextItem]:
    """Names whose bars only their height could tell, spelt so when the screen's other names show
    that its font puts ascenders above capitals (one font, one size for all names on a screen)."""
    gaps = [g for item in items if item.kind == "name" for g in item.bar_gaps]
    # the lower median: one line apart and one level are no majority
    if len(gaps) < 2 or float(np.percentile(gaps, 50, method="lower")) < stems.MIN_GAP:
        return items
    return [replace(item, text=item.if_bars_apart) if item.if_bars_apart else item for item in items]


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
