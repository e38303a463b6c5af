"""Numbers read off a line: digits as drawn, decimal points, units, and icons glued to either end."""

from __future__ import annotations

import re
from itertools import product

import cv2
import numpy as np

from looplab.alliance import marks, ocr, stems
from looplab.alliance.classifier import NAME
from looplab.alliance.numbers import has_digits, parse_number
from looplab.alliance.words import joined_words, letter_word, with_words
from looplab.imaging.regions import Box, character_boxes, edge_mask


def digit_share(text: str) -> float:
    chars = [c for c in text if not c.isspace()]
    return sum(c.isdigit() for c in chars) / len(chars) if chars else 0.0


_GLUED_WORD = re.compile(r"\d[^\W\d_]{2,}")  # letters glued to a digit ("4haak"; "215,600 pts" is apart)
_UNIT_AS_READ = re.compile(r"[Il|]?[KkMmBb]+")  # "882Mm": a unit letter read twice; "0.1IM": a bar made up


Glyphs = tuple[np.ndarray, np.ndarray, list[int]]  # what ``_glyphs`` finds in a crop


def _glyphs(prepared: np.ndarray, connectivity: int = 8) -> Glyphs:
    """A prepared crop's ink labels, its components' stats (row 0: the background) and, left to right,
    the components at least 0.6 as tall as the tallest: a number's characters (points, commas and specks
    are lower)."""
    ink = (prepared < 128).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=connectivity)
    if count < 2:
        return labels, stats, []
    tallest = stats[1:, cv2.CC_STAT_HEIGHT].max()
    glyphs = [i for i in range(1, count) if stats[i, cv2.CC_STAT_HEIGHT] >= 0.6 * tallest]
    return labels, stats, sorted(glyphs, key=lambda i: stats[i, cv2.CC_STAT_LEFT])


def digits_as_drawn(prepared: np.ndarray, line: ocr.OcrResult, iconish: bool = False) -> ocr.OcrResult:
    """A digit or two alone (a rank) read by the line model, which makes up a neighbour ("7" read
    "74", "5" read "3]", "7" read unsurely), or by the word model, which drops one ("74" read "4",
    "11" read "1"): the word model's reading where it has as many digits as the crop has glyphs and the
    line model's has not, or is unsure (the word model also reads a small "3" as "8", surely); failing
    that, the line model's on the crop enlarged, unless the classifier half takes it for a picture or the
    line model's reading is a guess (a banner read "3" at 0 is read "3" at 93 when enlarged)."""
    labels, stats, tall = _glyphs(prepared)
    if _off_the_line(stats, tall):
        # a badge's rim right of the digits, lower than them, read as a one ("11" read "111", seed 25439)
        tall = tall[:-1]
        digits = line.text.strip()
        if digits.isdigit() and len(digits) == len(tall) + 1 and digits.endswith("1"):
            line = with_words(line, ((digits[:-1], line.confidence),))
    # a blob as wide as tall is two digits touching ("11" joined by its serifs): a digit is about
    # 0.6 of its height wide
    width, height = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    glyph_count = int(sum(max(1, round(width[i] / (0.62 * height[i]))) for i in tall))

    def drawn(reading: ocr.OcrResult) -> bool:
        return parse_number(reading.text) is not None and sum(ch.isdigit() for ch in reading.text) == glyph_count

    word = ocr.read_line(prepared, digits=True, single_word=True)
    if tall and len(tall) == len(stats) - 1:  # no point drawn: the word model's are made up ("11" read "1.1.")
        word = with_words(word, tuple((re.sub(r"[.,]", "", w), c) for w, c in word.words))
    # a line reading without a digit ("11" read "n") is no rival: the word model's is taken less surely
    sure = 90 if has_digits(line.text) else 80
    # a lone glyph enclosing nothing is no 0, 4, 6, 8 or 9: a serif 7 read "4" by the word model (seed 24373)
    holes_agree = not (len(tall) == 1 and word.text.strip() in set("04689") and not _enclosing(labels == tall[0]))
    if drawn(word) and word.confidence >= sure and (not drawn(line) or line.confidence < 80) and holes_agree:
        return word
    doubled = word.text.strip()
    twice = len(tall) == 2 and doubled in {d * 2 for d in "0123456789"} and line.text.strip() != doubled
    if twice and drawn(word) and word.confidence >= sure and _alike(labels == tall[0], labels == tall[1]):
        return word  # one shape drawn twice is one digit twice: "11" read "19" (seed 25394)
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
    digit = line.text.strip()
    if digit == "1" and len(tall) == 1 and _two_bars(labels == tall[0]):
        return with_words(line, (("11", line.confidence),))  # "11" joined by its serifs, read "1" at every size
    if digit == "1" and len(tall) == 1 and drawn(word) and word.confidence >= 90 and _enclosing(labels == tall[0]):
        return word  # a one encloses nothing: the "4" read "1" (seed 23612)
    if len(digit) == 1 and digit.isdigit() and len(tall) == 2 and _alike(labels == tall[0], labels == tall[1]):
        return with_words(line, ((digit * 2, line.confidence),))  # "11" read "1": one digit drawn twice
    return line


def _off_the_line(stats: np.ndarray, tall: list[int]) -> bool:
    """Whether the last of ``tall`` is a thin shape off the line of the glyphs before it (a third of
    their width at most, its middle a third of their height from theirs): digits share one line."""
    if len(tall) < 2:
        return False
    x, y, w, h = (int(v) for v in stats[tall[-1], :4])
    rest = stats[tall[:-1]]
    middle = float(np.median(rest[:, cv2.CC_STAT_TOP] + rest[:, cv2.CC_STAT_HEIGHT] / 2))
    usual_h, usual_w = float(np.median(rest[:, cv2.CC_STAT_HEIGHT])), float(np.median(rest[:, cv2.CC_STAT_WIDTH]))
    return w <= usual_w / 3 and abs(y + h / 2 - middle) >= usual_h / 3


def _enclosing(mask: np.ndarray) -> bool:
    """Whether a glyph's ink encloses a hole a twentieth of its box or more (a 4's, a 0's; no 1's)."""
    ink = _inked(mask)
    return ink.size > 0 and bool((marks.holes(ink)[0][:, cv2.CC_STAT_AREA] >= 0.05 * ink.size).any())


def _alike(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two glyphs' masks are one shape: boxes of one size and ink overlapping by 0.85 of the
    union when the boxes are laid on each other."""
    crops = [_inked(a), _inked(b)]
    (ha, wa), (hb, wb) = crops[0].shape, crops[1].shape
    if abs(ha - hb) > 1 or abs(wa - wb) > 1:
        return False
    h, w = min(ha, hb), min(wa, wb)
    # boxes a pixel apart in size are laid on each other by either corner (a glyph's antialiased edge
    # column may fall either side of the threshold)
    for dy, dx, ey, ex in product({0, ha - h}, {0, wa - w}, {0, hb - h}, {0, wb - w}):
        first, second = crops[0][dy : dy + h, dx : dx + w], crops[1][ey : ey + h, ex : ex + w]
        if (first & second).sum() >= 0.85 * (first | second).sum():
            return True
    return False


def _inked(mask: np.ndarray) -> np.ndarray:
    """``mask`` cut to the box of its ink (empty when it has none)."""
    rows, cols = np.nonzero(mask)
    if not len(rows):
        return mask[:0, :0]
    return mask[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]


def eared(prepared: np.ndarray) -> bool:
    """Whether a crop read as a rank is one shape with two ears: its top fifth's rows cut in two runs
    of ink, three in four of its rows at 30-45 % of its height one run across 0.6 of its width or more
    (a badge's head). No digit is drawn so: two ones joined by their serifs, or a 4 open at its top,
    stand apart lower down too."""
    labels, _, tall = _glyphs(prepared)
    if len(tall) != 1:
        return False
    ink = _inked(labels == tall[0]).astype(np.int8)
    h, w = ink.shape
    if h < 10:
        return False
    edges = [np.diff(np.concatenate([[0], row, [0]])) for row in ink]
    runs = [np.flatnonzero(e == 1) for e in edges]
    ends = [np.flatnonzero(e == -1) for e in edges]
    top = [len(r) for r in runs[: max(1, h // 5)]]
    body = range(int(0.3 * h), int(0.45 * h) + 1)
    solid = [len(runs[y]) == 1 and ends[y][0] - runs[y][0] >= 0.6 * w for y in body]
    return float(np.median(top)) >= 2 and sum(solid) >= 0.75 * len(solid)


def _two_bars(glyph: np.ndarray) -> bool:
    """Whether a glyph's ink (a crop's mask of it) stands as two upright bars side by side, each
    column run at least 0.7 of the glyph's height: two ones whose serifs touch."""
    ink = _inked(glyph)
    if not ink.size:
        return False
    upright = ink.sum(axis=0) >= 0.7 * ink.shape[0]
    runs = np.flatnonzero(np.diff(np.concatenate([[0], upright.astype(np.int8), [0]])) == 1)
    return len(runs) == 2 and ink.shape[1] >= 0.7 * ink.shape[0]


def as_number(result: ocr.OcrResult) -> tuple[str, float, int] | None:
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


# an icon before it read as a word of its own stays out of the digits ("@ 686M" for "68.6M", seed 25104)
_SUFFIXED = re.compile(r"(?:[^\d\s]+ )?(\d{2,})\s?([KkMmBb])")


def with_decimal_point(
    text: str, confidence: float, value: int, prepared: np.ndarray, found: Glyphs | None = None
) -> tuple[str, float, int]:
    """``19K`` -> ``1.9K`` when the crop shows a decimal point the reading dropped (Tesseract often loses
    a small dot between digits): a blob much smaller than the digits, on their baseline, between two
    of them. The digits after it are the characters right of it less the suffix letter. ``found``:
    ``_glyphs(prepared)``, when the caller has it."""
    match = _SUFFIXED.fullmatch(text.strip())
    if match is None:
        return text, confidence, value
    found = _glyphs(prepared) if found is None else found
    right = _right_of_point(found)
    if right is None:
        # a point touching a digit's corner only diagonally ("216017.4K", seed 24395) is apart when
        # pixels join by their sides alone, if no digit breaks apart so
        by_sides = _glyphs(prepared, connectivity=4)
        right = _right_of_point(by_sides) if len(by_sides[2]) == len(found[2]) else None
    if right is None:
        right = _right_of_glued_point(found)
    digits, suffix = match.groups()
    if right is None:
        left = _left_of_point_before_glued_unit(found)
        right = None if left is None else len(digits) - left + 1
    if right is None or not 1 <= right - 1 < len(digits):
        return text, confidence, value
    cut = len(digits) - (right - 1)
    fixed = f"{digits[:cut]}.{digits[cut:]}{suffix}"
    parsed = parse_number(fixed)
    return (fixed, confidence, parsed) if parsed is not None else (text, confidence, value)


def with_digits_by_shape(text: str, value: int, prepared: np.ndarray, found: Glyphs | None = None) -> tuple[str, int]:
    """Digits Tesseract confused that their glyphs' shapes tell apart. A digit whose glyph encloses an
    8's two holes is an 8 ("81,869" read "81,369", a rank 8 read "3"). A 0, 6 or 9 read as another of
    the three ("59,405,839" read "50,405,839") is told by where its one hole lies: over 1,774 such digits
    read on 80 screens, a 0's hole spans 0.24 to 0.76 of the glyph's height or more, a 9's ends above
    0.64, a 6's starts below 0.36; a 6 with no hole and its lower left open is a 5, and so is a 9 with
    no hole and its upper right open, and an 8 with no hole and both open (41 of 48 fives in the
    generator's eight fonts at 14-56 px, no other digit). A one with a 7's bar is a 7 (see ``_seven_drawn``), one of two
    bars side by side two ones. The glyphs are paired with the text's letters and digits by order (see
    ``_paired_glyphs``); a crop with an icon or a broken glyph is left as read. ``found``:
    ``_glyphs(prepared)``, when the caller has it."""
    if not any(ch.isdigit() for ch in text):
        return text, value
    labels, stats, glyphs = _glyphs(prepared) if found is None else found
    chars = list(text)
    for k, i in _paired_glyphs(text, stats, glyphs):
        if not chars[k].isdigit():
            continue
        x, y, w, h = (int(v) for v in stats[i, :4])
        glyph = labels[y : y + h, x : x + w] == i
        holes = marks.holes(glyph)[0]
        bowls = holes[holes[:, cv2.CC_STAT_AREA] >= 0.02 * h * h]
        if chars[k] == "8":
            if not len(bowls) and _open_upper_right(glyph) and _open_lower_left(glyph):
                chars[k] = "5"  # a serif rank 5 read "8" at 81 (seed 26159): an 8 has two bowls
            continue
        if _two_bowls(holes, h):
            chars[k] = "8"
            continue
        if chars[k] == "1" and _seven_drawn(glyph):
            chars[k] = "7"
            continue
        if chars[k] == "1" and _two_bars(glyph):
            chars[k] = "11"  # "11M" read "1M": its ones joined by their serifs (seed 23583)
            continue
        if chars[k] == "6" and not len(bowls) and _open_lower_left(glyph):
            chars[k] = "5"  # "556,500" read "566,500"
            continue
        if chars[k] == "9" and not len(bowls) and _open_upper_right(glyph):
            chars[k] = "5"  # "5,975" read "9,975" (seed 23772): a 9's bowl closes on the right
            continue
        if chars[k] not in "069" or len(bowls) != 1:
            continue
        top, bottom = bowls[0, 1] / h, (bowls[0, 1] + bowls[0, 3]) / h
        if top <= 0.28 and bottom >= 0.72:
            chars[k] = "0"
        elif top <= 0.3 and bottom <= 0.68:
            chars[k] = "9"
        elif top >= 0.32 and bottom >= 0.7:
            chars[k] = "6"
    fixed = "".join(chars)
    parsed = parse_number(fixed) if fixed != text else None
    return (fixed, parsed) if parsed is not None else (text, value)


def _open_upper_right(glyph: np.ndarray) -> bool:
    """Whether a glyph read as a nine is a 5: between 0.2 and 0.4 of its height its ink ends in its
    left part, the 5's stem under its bar (0.11 of its width); a 9's bowl runs down its right side there."""
    h, w = glyph.shape
    band = glyph[int(0.2 * h) : max(int(0.4 * h), int(0.2 * h) + 1)]
    ends = [(w - 1 - int(np.argmax(row[::-1]))) / w for row in band if row.any()]
    return bool(ends) and float(np.median(ends)) <= 0.4


def _open_lower_left(glyph: np.ndarray) -> bool:
    """Whether a glyph read as a six is a 5: between 0.55 and 0.75 of its height its ink starts well
    right of its left edge, where a 5's bowl opens (its leftmost ink there 0.67-0.81 of its width in); a
    6's round side runs on down there (0-0.07), closed or not (a thin 6 may lose the join of its bowl)."""
    h, w = glyph.shape
    band = glyph[int(0.55 * h) : max(int(0.75 * h), int(0.55 * h) + 1)]
    starts = [int(np.argmax(row)) / w if row.any() else 1.0 for row in band]
    return bool(starts) and float(np.median(starts)) >= 0.4


def _seven_drawn(glyph: np.ndarray) -> bool:
    """Whether a glyph read as a one is a 7 ("77,743" read "71,743"): its top-right corner is ink (a 7's
    bar) and its bottom-right is not. In the generator's eight fonts a 7 fills 0.87 or more of its top
    sixth's right third and none of its bottom's; a one's flag leaves the first 0.25 or less, its stem or
    foot the second 0.25 or more. A bare stem has nothing to tell."""
    h, w = glyph.shape
    if w < 0.4 * h:
        return False
    top_right = glyph[: max(1, round(0.15 * h)), int(0.7 * w) :].mean()
    bottom_right = glyph[int(0.85 * h) :, int(0.7 * w) :].mean()
    return top_right >= 0.6 and bottom_right <= 0.1


def _paired_glyphs(text: str, stats: np.ndarray, glyphs: list[int]) -> list[tuple[int, int]]:
    """(character index, glyph) for the letters and digits of ``text`` drawn one glyph each, paired by
    order; a glyph about twice as wide as the usual one is two touching digits ("46"), paired with
    both and returned with neither. Nothing where the counts do not agree."""
    drawn = [k for k, ch in enumerate(text) if ch.isalnum()]
    if len(drawn) == len(glyphs):
        pairs = list(zip(drawn, glyphs, strict=True))
        widths = [stats[i, cv2.CC_STAT_WIDTH] for k, i in pairs if text[k].isdigit()]
        lettered = any(ch.isalpha() for ch in text)
        if not lettered or not widths or max(widths) < 1.8 * float(np.median(widths)):
            return _digits_level(text, stats, pairs)  # ("8,111" read "811": its "11" one glyph, see _two_bars)
        # a label's letters and a digit's glyph twice the usual width: two digits touching, the counts
        # agreeing only because a letter broke in two ("Power: 105,844,318", its w two glyphs, read
        # "705,884,318", seed 24661)
        return []
    if not glyphs:
        return []
    usual = float(np.median([stats[i, cv2.CC_STAT_WIDTH] for i in glyphs]))
    spans = [max(1, round(stats[i, cv2.CC_STAT_WIDTH] / usual)) if usual else 1 for i in glyphs]
    if sum(spans) != len(drawn) or any(n > 2 for n in spans):
        return []
    heights = [int(stats[i, cv2.CC_STAT_HEIGHT]) for i in glyphs]
    if max(heights) > 1.2 * float(np.median(heights)):
        return []  # an icon as wide as two digits, and taller: no two digits touching ("169M" beside a fist)
    pairs, at = [], 0
    for i, n in zip(glyphs, spans, strict=True):
        if n == 1:
            pairs.append((drawn[at], i))
        at += n
    return _digits_level(text, stats, pairs)


def _digits_level(text: str, stats: np.ndarray, pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``pairs``, or none where a digit is paired with a glyph well short of the others' height: the
    pairing slipped a place ("Power: 260,705,022", its "we" one glyph and its first 2 none, paired the 2
    with the r and the 6 with the 2's glyph, then read a 6 for the 0; seed 29043)."""
    heights = [int(stats[i, cv2.CC_STAT_HEIGHT]) for k, i in pairs if text[k].isdigit()]
    return pairs if not heights or min(heights) >= 0.85 * max(heights) else []


def _two_bowls(holes: np.ndarray, height: int) -> bool:
    """An 8's two holes: one above the other, the lower as large as the upper or larger (so in all 2,758
    8s measured; a bold 9 whose tail closes on its bowl has a small second hole under it, two 6s that
    touch have two holes side by side), the upper at least half as tall as the lower (0.56 to 1.12 in
    the generator's eight fonts at 14-56 px, sharp and blurred; a blurred bold 6 whose hook closed on its
    bowl, a hole 4 px tall over one of 10, was read an 8, seed 28700)."""
    bowls = holes[holes[:, cv2.CC_STAT_AREA] >= 0.02 * height * height]
    if len(bowls) != 2:
        return False
    upper, lower = sorted(bowls.tolist(), key=lambda b: b[1])
    stacked = upper[1] + upper[3] <= lower[1] + 1
    aligned = min(upper[0] + upper[2], lower[0] + lower[2]) > max(upper[0], lower[0])
    return stacked and aligned and lower[4] >= 0.8 * upper[4] and upper[3] >= 0.5 * lower[3]


def drawn_number(text: str, confidence: float, value: int, prepared: np.ndarray) -> tuple[str, float, int]:
    """A number's reading checked against its crop: a digit made up, a decimal point dropped, an 8 read
    as another digit, a 0, 6 or 9 read as another of them, a 7 read as a one."""
    found = _glyphs(prepared)  # one crop throughout: its glyphs found once
    text, confidence, value = without_made_up_digit(text, confidence, value, prepared, found)
    text, confidence, value = with_digit_read_as_symbol(text, confidence, value, prepared, found)
    text, confidence, value = with_decimal_point(text, confidence, value, prepared, found)
    text, value = with_digits_by_shape(text, value, prepared, found)
    return text, confidence, value


def without_made_up_digit(
    text: str, confidence: float, value: int, prepared: np.ndarray, found: Glyphs
) -> tuple[str, float, int]:
    """A number read with one character more than its crop draws, each glyph one character wide (the
    gap of "7 761" read as a one, "71761"): the word model's reading where it is the same characters
    less one, as many as drawn. ``found``: ``_glyphs(prepared)``."""
    _, stats, glyphs = found
    if not glyphs or sum(ch.isalnum() for ch in text) != len(glyphs) + 1:
        return text, confidence, value
    widths = stats[glyphs, cv2.CC_STAT_WIDTH]
    if widths.max() > 1.4 * float(np.median(widths)):
        return text, confidence, value  # a glyph as wide as two: two characters touching
    if len(glyphs) == 1 and widths[0] >= 0.9 * stats[glyphs[0], cv2.CC_STAT_HEIGHT]:
        return text, confidence, value  # a lone glyph as wide as tall: two digits touching ("12", seed 25159)
    # the word model's digits; else the names models' line, which reads some made-up ones right ("27,202,949"
    # read "217,202,949" by the line and the digits models, "21,202,989" by the word model; seed 28546)
    readings = (ocr.read_line(prepared, **kw) for kw in ({"digits": True, "single_word": True}, {"kind": "names"}))
    read = text.replace(" ", "")
    for word in readings:
        again, kept = parse_number(word.text), word.text.replace(" ", "")
        # the same characters less one: a point lost or a digit dropped too is another reading ("546.3K" as "563K")
        less_one = any(read[:k] + read[k + 1 :] == kept for k, ch in enumerate(read) if ch.isalnum())
        if not less_one and kept.count(".") == 1 and "." not in read:
            # the same characters less one and a point, where the crop draws that point ("4.1M" read "41IM",
            # seed 25440: as many characters right of it as drawn)
            bare = kept.replace(".", "")
            pointed = any(read[:k] + read[k + 1 :] == bare for k, ch in enumerate(read) if ch.isalnum())
            less_one = pointed and _right_of_point(found) == len(kept) - kept.index(".") - 1
        if again is not None and word.confidence >= 90 and less_one:
            return word.text.strip(), word.confidence, again
    return text, confidence, value


def _number_character(ch: str) -> bool:
    return ch.isalnum() or ch in " ,.'"


def with_digit_read_as_symbol(
    text: str, confidence: float, value: int, prepared: np.ndarray, found: Glyphs
) -> tuple[str, float, int]:
    """A number one of whose glyphs was read as a symbol that its parsing drops ("77M" read "7™M" at 61,
    its value 7M; seed 28703): the names models' reading where it is a clean number, one character per
    glyph, the same as this reading but for that symbol. ``found``: ``_glyphs(prepared)``."""
    _, _, glyphs = found
    odd = [k for k, ch in enumerate(text) if not _number_character(ch)]
    if len(odd) != 1 or not glyphs or sum(ch.isalnum() for ch in text) != len(glyphs) - 1:
        return text, confidence, value
    named = ocr.read_line(prepared, kind="names")
    again, clean = parse_number(named.text), named.text.strip()
    if again is None or named.confidence < 85 or not all(_number_character(ch) for ch in clean):
        return text, confidence, value
    k = odd[0]
    if len(clean) != len(text) or clean[:k] != text[:k] or clean[k + 1 :] != text[k + 1 :] or not clean[k].isdigit():
        return text, confidence, value
    return clean, named.confidence, again


def _right_of_point(found: Glyphs) -> int | None:
    """How many character-sized shapes lie right of the one point-sized shape on the baseline of a
    prepared crop (dark on white; ``found``: its ``_glyphs``), or None when there is no such point, or
    more than one."""
    _, stats, glyphs = found
    if len(glyphs) < 3:
        return None
    split = _split_at_point(stats, glyphs)
    if split is None:
        return None
    left, right, _ = split
    if not left or len(left) + len(right) != len(glyphs):
        return None
    return len(right)


def _split_at_point(stats: np.ndarray, glyphs: list[int]) -> tuple[list, list, int] | None:
    """The glyphs' boxes left and right of the one point-sized shape on their baseline, and the tallest
    glyph's height; None where there is no such shape, or more than one."""
    shapes = [tuple(int(v) for v in s[:4]) for s in stats[1:]]
    if not shapes or not glyphs:
        return None
    tall = max(h for _, _, _, h in shapes)
    chars = [shapes[i - 1] for i in glyphs]
    baseline = float(np.median([y + h for _, y, _, h in chars]))
    points = [
        (x, y, w, h)
        for x, y, w, h in shapes
        if 0.1 * tall <= h <= 0.3 * tall and 0.1 * tall <= w <= 0.4 * tall and abs(y + h - baseline) <= 0.15 * tall
    ]
    if len(points) != 1:
        return None
    px, _, pw, _ = points[0]
    return [c for c in chars if c[0] + c[2] <= px], [c for c in chars if c[0] >= px + pw], tall


def _left_of_point_before_glued_unit(found: Glyphs) -> int | None:
    """How many digits lie left of the one point-sized shape on the baseline when the last digit and
    the unit after it are one glyph ("1.4M" with "4M" joined: seed 25104), so what lies right of the
    point counts for nothing; None unless each glyph left of it is one digit wide, and what lies right
    of it one glyph at least a digit and a unit wide."""
    _, stats, glyphs = found
    split = _split_at_point(stats, glyphs) if len(glyphs) >= 2 else None
    if split is None:
        return None
    left, right, tall = split
    if not left or len(right) != 1 or len(left) + 1 != len(glyphs):
        return None
    if any(w > 0.8 * tall for _, _, w, _ in left) or right[0][2] < 1.3 * tall:
        return None
    return len(left)


def _right_of_glued_point(found: Glyphs) -> int | None:
    """How many character-sized shapes lie right of a point glued to the left of a digit ("2.4M", its
    point joined to the 4's bar: seed 25030; to a 2's foot: seed 25522), or None: a digit's glyph (not
    the last, the unit's) at least three quarters as wide as tall whose first columns hold ink only in
    its lowest 35 %, over 0.12 to 0.45 of its height; a digit's own ink reaches higher at its left (a 2's
    foot sticks out less than that, in each of the generator's fonts at 18 to 40 px)."""
    labels, stats, glyphs = found
    for n, i in enumerate(glyphs[:-1]):
        x, y, w, h = (int(v) for v in stats[i, :4])
        if w < 0.75 * h:
            continue
        glyph = labels[y : y + h, x : x + w] == i
        high = glyph[: int(0.65 * h)].any(axis=0)
        lead = int(np.argmax(high)) if high.any() else w
        if 0.12 * h <= lead <= 0.45 * h and n > 0:
            return len(glyphs) - n
    return None


def reading_rank(reading: tuple) -> tuple[bool, bool, float]:
    """Readings that parse as a number first, then those not cut short after a separator ("5.7M" read
    "5." at another scale, seed 25104), then by confidence; a number with letters glued to its digits
    is none ("211.5M" behind a fist icon, read at the icon's height as "@ 2nsm": 2 "nsm")."""
    number = as_number(reading[0])
    if number is None or glued_word(number[0]):
        return False, False, reading[0].confidence
    return True, not number[0].rstrip().endswith((".", ",")), reading[0].confidence


def glued_word(text: str) -> bool:
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


def _icon_read_zero(word: str, after: str) -> bool:
    """A lone "0" before a number: no number starts with a zero, so it is an icon's ring or shape
    ("0 101K" for a pentagon and "10.1K", seed 23762)."""
    return word == "0" and after[:1].isdigit()


def without_edge_icons(
    crop: np.ndarray, prepared: np.ndarray, result: ocr.OcrResult, core: tuple[int, int] | None = None
) -> tuple[np.ndarray, int] | None:
    """The part of ``crop`` left of/right of junk words read at its ends, or None when there are none.
    Its rows are the words' boxes' and, for words with small letters, within ``core`` (the region's rows
    in ``crop``) up to 0.6 of their height above and below: Tesseract's box for "óron" leaves out the
    accent, and the reading of the cut crop without it lost the accent (seed 22761)."""
    if len(result.boxes) < 2:
        return None
    words = list(zip(result.words, result.boxes, strict=True))
    # a capital alone at an end, drawn as the name's letters are, is a word of it ("|" for the I of "I am")
    first_kept, last_kept = letter_word(result, 0), letter_word(result, len(words) - 1)
    start, end = 0, len(words)
    while (
        end - start > 1
        and not (start == 0 and first_kept)
        and (_edge_junk(*words[start][0]) or _icon_read_zero(words[start][0][0], words[start + 1][0][0]))
    ):
        start += 1
    while end - start > 1 and not (end == len(words) and last_kept) and _edge_junk(*words[end - 1][0]):
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
    if core is not None and any(ch.islower() for (word, _), _ in words[start:end] for ch in word):
        reach = 0.6 * (y2 - y1)
        top = min(top, max(core[0], int((y1 - reach) / scale)))
        bottom = max(bottom, min(core[1], int((y2 + reach) / scale) + 1))
    if right - left < 4 or bottom - top < 4:
        return None
    return crop[top:bottom, left:right], max(4, round((y2 - y1) / scale))


def without_edge_picture(crop: np.ndarray, region: Box) -> tuple[np.ndarray, int] | None:
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
    before = (
        (boxes[:, 0] + boxes[:, 2] <= x) & (boxes[:, 3] >= 0.5 * region.char_h) & (middles >= y) & (middles <= y + h)
    )
    if np.count_nonzero(before) >= 2:
        return None  # letters before it: glued letters inside a word ("by98" of "Bramorby985", seed 23506)
    rest = boxes[(boxes[:, 0] >= x + w) & (middles >= y) & (middles <= y + h)]  # beside it, not above
    if not len(rest) or float(np.median(rest[:, 3])) > 1.2 * region.char_h:
        return None
    pad = max(2, region.char_h // 6)
    left = max(0, int(rest[:, 0].min()) - pad)
    # only the rows of the text beside the picture: a tall picture's padding may reach the line above
    top, bottom = max(0, int(rest[:, 1].min()) - 2 * pad), int((rest[:, 1] + rest[:, 3]).max()) + 2 * pad
    return crop[top:bottom, left:], region.char_h


_GLUED_ICON = re.compile(r"([^\d\s]{1,3})(\d[\d,.' ]*[KkMmBb]?)")


def from_first_digit(
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


def icon_glued_number(
    crop: np.ndarray, prepared: np.ndarray, result: ocr.OcrResult, p: np.ndarray
) -> tuple[str, float, int, np.ndarray] | None:
    """(text, confidence, value, prepared crop) of a number read as a name because an icon glued
    before it was read as a symbol or two ("p®95M"): the crop from the first digit on, read again,
    when that reads surely as a number; None else."""
    found = from_first_digit(crop, prepared, result, p)
    if found is None:
        return None
    again = ocr.prepare_crop(found[0], text_height=found[1])
    number = as_number(ocr.read_line(again))
    if number is None or number[1] < 80 or re.match(r"0\d", number[0].strip()):
        return None  # no number starts with a zero: a name's O ("Ixo718" read "Ix0718", seed 24183)
    return (*number, again)


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


_DRAWN_AS = {"b": "56", "d": "04"}  # the digits a b or d is read for


def digits_after_letters(prepared: np.ndarray, result: ocr.OcrResult) -> ocr.OcrResult:
    """``result`` with a b or d that starts the digits ending a word read as the digit it is drawn as
    ("Odowra561" read "Odowrab61", "Terter478" read "Terterd78"): its top stands with the digits', not
    an ascender's rise above them, and the digits from it on, read again as digits, agree with the rest."""
    symbols = result.symbols
    if not symbols or not any(t in ("b", "d") for t, _, _ in symbols):
        return result
    found = marks.components(prepared)
    tops = stems.letter_tops(prepared, symbols, found) if found is not None else None
    if tops is None:
        return result
    cap = found[4]
    words = list(result.words)
    for k, (text, box, word) in enumerate(symbols):
        if text not in ("b", "d") or tops[k] is None:
            continue
        spelt = [j for j, s in enumerate(symbols) if s[2] == word]
        at = spelt.index(k)
        after = [symbols[j][0] for j in spelt[at + 1 :]]
        if not after or not all(t.isdigit() for t in after):
            continue
        if word >= len(words) or not any(symbols[j][0].isalpha() for j in spelt[:at]):
            continue
        if len(words[word][0]) != len(spelt):
            continue
        digit_tops = [tops[j][0] for j in spelt[at + 1 :] if tops[j] is not None]
        if not digit_tops or float(np.median(digit_tops)) - tops[k][0] >= stems.MIN_GAP * cap:
            continue  # an ascender's rise above the digits: a b or d ("Bob99")
        x1, x2 = box[0], max(symbols[j][1][2] for j in spelt[at + 1 :])
        crop = prepared[:, max(0, x1 - 2) : x2 + 3]
        crop = cv2.copyMakeBorder(crop, 0, 0, ocr.BORDER, ocr.BORDER, cv2.BORDER_CONSTANT, value=255)
        # the line mode for a digit in the letter's place, then the word mode: the word mode drops one at
        # times ("Ixrozu487" read "Ixrozud87", from the d on "87" at 96 as a word, "487" at 100 as a line);
        # not the line mode's digits alone, which it reads for a real b before digits too ("Bob99": "99")
        readings = [ocr.read_line(crop, digits=True), ocr.read_line(crop, digits=True, single_word=True)]
        for as_line, again in zip((True, False), readings, strict=True):
            drawn = again.text.strip()
            if again.confidence < 80 or not drawn.isdigit() or not drawn.endswith("".join(after)[1:]):
                continue
            if len(drawn) not in (len(after), len(after) + 1) or as_line and len(drawn) == len(after):
                continue  # as many digits as symbols from the letter on, or one fewer: the letter was made up
            if len(after) == 1 and (len(drawn) != 2 or drawn[0] not in _DRAWN_AS[text] or again.confidence < 90):
                continue  # one digit after it tells little: only a sure digit the letter looks like ("Byzè56")
            spelling, confidence = words[word]
            words[word] = (spelling[:at] + drawn, confidence)
            return with_words(result, tuple(words))
    return result


_GROUPED = re.compile(r"\d{1,3}(?:([,.])\d{3})+")


def with_lost_separators(prepared: np.ndarray, result: ocr.OcrResult) -> ocr.OcrResult:
    """``result`` with a number's last group joined back where its separator was read as a space
    ("94,242 633" for "94,242,633", which would split as two columns): the word before is grouped with
    a comma or point, the word after is three digits, and the gap between them holds a small blob in the
    lower half of the digits' height, the separator Tesseract left out of both boxes. Two columns have
    nothing between them."""
    if len(result.words) < 2 or len(result.boxes) != len(result.words):
        return result
    ink = (prepared < 128).astype(np.uint8)
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    w = 0
    while w + 1 < len(result.words):
        (word, confidence), (after, _) = result.words[w], result.words[w + 1]
        grouped = _GROUPED.fullmatch(word)
        apart = result.boxes[w], result.boxes[w + 1]
        if grouped and re.fullmatch(r"\d{3}", after) and _separator_between(stats, *apart):
            words = list(result.words)
            words[w] = (word + grouped.group(1), confidence)
            result = joined_words(with_words(result, tuple(words)), w)
            continue
        w += 1
    return result


def _separator_between(stats: np.ndarray, left: tuple, right: tuple) -> bool:
    """Whether a blob small for the digits of ``right`` (a box x1, y1, x2, y2) lies between the two
    boxes, in the lower half of the digits' rows or under them: a comma or a point."""
    top, bottom = right[1], right[3]
    height = bottom - top
    x, y, w, h = (stats[1:, i] for i in range(4))
    # a left box reaching over the right one ("4,483,222" boxed over the "355" after it, a real screen):
    # the gap is the comma's width before the right word
    start = left[2] - 1 if left[2] <= right[0] else right[0] - 0.6 * height
    between = (x >= start) & (x + w <= right[0] + 1) & (h <= 0.6 * height) & (w <= 0.5 * height)
    low = (y >= top + 0.5 * height) & (y <= bottom + 0.2 * height)
    return bool((between & low).any())
