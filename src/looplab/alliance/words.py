"""A reading's words: respelt with what the ink shows (bars, case, underscores, symbols), and
trimmed of icons read at their ends."""

from __future__ import annotations

import re
from functools import cache

import cv2
import numpy as np

from looplab.alliance import marks, ocr, stems
from looplab.alliance.names import TAG_AS_READ, clean_read, fix_capital_i, fix_leading_zero, fix_tag

# Characters a name may well hold but that Tesseract mostly produces from icons and decorations
ODD = re.compile(r"[^\w\s\[\]().'&\-]|['’‘”“]")


def replaced_once(result: ocr.OcrResult, old: str, new: str) -> ocr.OcrResult:
    words = list(result.words)
    for i, (word, confidence) in enumerate(words):
        if old in word:
            words[i] = (word.replace(old, new, 1), confidence)
            return with_words(result, tuple(words))
    return result


def tags_whole(result: ocr.OcrResult) -> bool:
    """No word opens a bracket it does not close, or closes one it did not open ("[NE" "Z]")."""
    return all(word.count("[") == word.count("]") for word, _ in result.words)


_BRACKET_GHOSTS = ("J", "I", "l", "|")  # what a bracket read twice comes out as


def without_doubled_bracket(result: ocr.OcrResult, prepared: np.ndarray) -> ocr.OcrResult:
    """``[FNP]JAnkamorBravi`` -> ``[FNP]AnkamorBravi``: a tag's closing bracket read twice, as "]J"
    (or "]I", "]l", "]|"), by both models. The second one is made up where right of the bracket's blob
    (taller than the capitals and thin) there is one letter blob fewer than there are symbols after the
    "]"; a name that starts with a J or an I ("[HEI]Jayy", "[HEI]Iris") has a blob for it. The blob of
    an I may touch the bracket's: a made-up I, l or | also lies on the bracket's box, as tall as it."""
    if not re.search(r"\][JIl|]", result.text) or not result.symbols:
        return result
    found = _letter_blobs(prepared)
    if found is None:
        return result
    blobs, cap = found
    brackets = [(x1, x2) for x1, x2, h in blobs if h >= 1.1 * cap and x2 - x1 <= 0.4 * h]
    texts = [text for text, _, _ in result.symbols]
    at = next((k for k in range(len(texts) - 1) if texts[k] == "]" and texts[k + 1] in _BRACKET_GHOSTS), None)
    if at is None:
        return result
    (_, bracket, _), (ghost, box, _) = result.symbols[at : at + 2]
    if ghost != "J" and (box[0] >= bracket[2] or box[3] - box[1] < 0.9 * (bracket[3] - bracket[1])):
        return result  # an I or l of the name: apart from the bracket and as tall as the capitals
    # brackets drawn before this one: those ending left of the middle of its box, not those read before
    # it, as a "[" touching the W after it is no bracket's blob ("[WAA]JFinfin456", where the boxes
    # drifted a letter left and the J's is the bracket's, seed 24983)
    opened = sum(x2 <= (bracket[0] + bracket[2]) / 2 for _, x2 in brackets)
    if len(brackets) <= opened:
        return result
    right = sorted(brackets)[opened][1]
    after = [k for k in marks.letter_symbols(result.symbols) if k > at]
    # or where the ghost's box holds the middle of no blob right of the bracket, as letters run together
    # spoil the count ("[MSX]JAnbythu": "yth" one blob, seed 25342)
    owned = _holds_a_middle(box, [blob for blob in blobs if blob[0] >= right - 1])
    if len(after) != sum(x1 >= right - 1 for x1, _, _ in blobs) + 1 and owned:
        return result
    return without_symbol(result, at + 1)


def without_bar_before_bracket(result: ocr.OcrResult, prepared: np.ndarray) -> ocr.OcrResult:
    """``[GCVI]Night`` -> ``[GCV]Night``: a bar (I, l or |) read between a tag's last capital or digit and
    its "]", whose box holds the middle of no blob (a serif V's right arm read again, seed 26539); the I of
    "[HEI]" is a blob of its own."""
    if not re.search(r"[A-Z0-9][Il|]\]", result.text) or not result.symbols:
        return result
    texts = [text for text, _, _ in result.symbols]
    at = next(
        (
            k
            for k in range(1, len(texts) - 1)
            if texts[k] in ("I", "l", "|") and texts[k + 1] == "]" and re.fullmatch(r"[A-Z0-9]", texts[k - 1])
        ),
        None,
    )
    found = _letter_blobs(prepared) if at is not None else None
    if found is None or _holds_a_middle(result.symbols[at][1], found[0]):
        return result
    return without_symbol(result, at)


def _holds_a_middle(box: tuple[int, int, int, int], blobs: list[tuple[int, int, int]]) -> bool:
    """Whether a symbol's box holds the middle of one of ``blobs`` ((x1, x2, height)): a letter drawn."""
    return any(box[0] <= (x1 + x2) / 2 <= box[2] for x1, x2, _ in blobs)


def _letter_blobs(prepared: np.ndarray) -> tuple[list[tuple[int, int, int]], float] | None:
    """The letter blobs' (x1, x2, height), left to right, and the cap height (see ``marks.components``)."""
    found = marks.components(prepared)
    if found is None:
        return None
    _, boxes, tall, _, cap = found
    return sorted((int(b[0]), int(b[0] + b[2]), int(b[3])) for b in boxes[tall]), cap


def without_symbol(result: ocr.OcrResult, index: int) -> ocr.OcrResult:
    """``result`` without its symbol ``index`` and that character of its words (the symbols hold the
    text less its spaces; the words, not the symbols' texts, have the accents put back)."""
    return _with_symbol_as(result, index, None)


def _with_symbol_as(result: ocr.OcrResult, index: int, text: str | None) -> ocr.OcrResult:
    """``result`` with its symbol ``index`` spelt ``text`` (None: dropped), in the symbols and the words."""
    places = [(w, c) for w, (word, _) in enumerate(result.words) for c in range(len(word))]
    if len(places) != len(result.symbols) or text is None and len(result.words[places[index][0]][0]) < 2:
        return result
    w, c = places[index]
    words = list(result.words)
    words[w] = (words[w][0][:c] + (text or "") + words[w][0][c + 1 :], words[w][1])
    symbols = list(result.symbols)
    sureness = result.symbol_confidences
    if text is None:
        del symbols[index]
        if len(sureness) == len(result.symbols):
            sureness = sureness[:index] + sureness[index + 1 :]
    else:
        symbols[index] = (text, *symbols[index][1:])
    return ocr.OcrResult(
        " ".join(t for t, _ in words), result.confidence, tuple(words), result.boxes, tuple(symbols), sureness
    )


_TAG_UNCLOSED = re.compile(r"\[[A-Za-z0-9]{2,5}(?= ?[Il|1]\S)")  # "[VHL |Dowel": with a space made up
_BARS_READ = ("I", "l", "|", "1")


def with_closing_bracket(result: ocr.OcrResult, prepared: np.ndarray) -> ocr.OcrResult:
    """``[DTBINight`` -> ``[DTB]Night``: a tag's closing bracket read as a bar (I, l, | or 1) where no
    "]" was read. The bracket's blob reaches from above the capitals to below the baseline, as tall as
    the opening one's; an I or l is no taller than an ascender (seeds 22740, 22830, 23002)."""
    match = _TAG_UNCLOSED.search(result.text)
    if match is None or "]" in result.text or not result.symbols:
        return result
    found = _letter_blobs(prepared)
    texts = [text for text, _, _ in result.symbols]
    if found is None or "[" not in texts:
        return result
    blobs, cap = found
    opening = texts.index("[")
    bar = opening + len(match.group(0))
    if bar >= len(texts) or texts[bar] not in _BARS_READ or "".join(texts[opening:bar]) != match.group(0):
        return result

    def blob_under(index: int) -> tuple[int, int, int] | None:
        x1, _, x2, _ = result.symbols[index][1]
        overlaps = [(min(x2, b2) - max(x1, b1), (b1, b2, h)) for b1, b2, h in blobs]
        share, blob = max(overlaps, default=(0, None))
        return blob if share > 0 else None

    opened, closing = blob_under(opening), blob_under(bar)
    if opened is None or closing is None or closing == opened:
        return result
    # the tag's capitals tell the cap height where a picture beside the name made the line's taller
    # ("@ [GEVINight": an avatar 45 px high, the capitals 27, the bracket 34; seed 26632)
    capitals = [blob_under(k) for k in range(opening + 1, bar) if texts[k].isupper()]
    capitals = [blob[2] for blob in capitals if blob is not None and blob not in (opened, closing)]
    if capitals:
        cap = min(cap, float(np.median(capitals)))
    _, _, height = closing
    if height < 1.1 * cap or height < 0.9 * opened[2] or closing[1] - closing[0] > 0.4 * height:
        return result
    closed = _with_symbol_as(result, bar, "]")
    at = next((w for w, (word, _) in enumerate(closed.words) if word.startswith("]")), None)
    if at and closed.words[at - 1][0].endswith(match.group(0)) and len(closed.boxes) == len(closed.words):
        closed = joined_words(closed, at - 1)  # "[VHL ]Dowel": no space is drawn before a "]"
    return closed


def joined_words(result: ocr.OcrResult, w: int) -> ocr.OcrResult:
    """``result`` with its words ``w`` and ``w + 1`` one word (their boxes one box)."""
    (first, c1), (second, c2) = result.words[w], result.words[w + 1]
    a, b = result.boxes[w], result.boxes[w + 1]
    words = (*result.words[:w], (first + second, min(c1, c2)), *result.words[w + 2 :])
    boxes = (
        *result.boxes[:w],
        (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])),
        *result.boxes[w + 2 :],
    )
    return ocr.OcrResult(
        " ".join(t for t, _ in words), result.confidence, words, boxes, result.symbols, result.symbol_confidences
    )


def without_made_up_points(result: ocr.OcrResult) -> ocr.OcrResult:
    """``Letkaol.ady926`` -> ``Letkaolady926``: a point or comma between two letters whose box is as
    tall as half the line's tallest letter or more, one Tesseract made up over a letter's join (its box
    spanned the l and the a of "Lady", seed 25707); a point drawn is a speck on the baseline."""
    texts = [text for text, _, _ in result.symbols]
    if not re.search(r"[^\W\d_][.,][^\W\d_]", "".join(texts)):
        return result
    tallest = max(y2 - y1 for text, (_, y1, _, y2), _ in result.symbols if text.isalpha())
    kept, dropped = [], False
    for k, (text, (_, y1, _, y2), word) in enumerate(result.symbols):
        between = 0 < k < len(texts) - 1 and texts[k - 1].isalpha() and texts[k + 1].isalpha()
        if text in ".," and between and y2 - y1 >= 0.5 * tallest:
            kept.append(("", word))
            dropped = True
        else:
            kept.append((text, word))
    return with_symbols(result, kept) if dropped else result


def without_made_up_bars(result: ocr.OcrResult, prepared: np.ndarray) -> ocr.OcrResult:
    """``MianlIxix85`` -> ``MianIxix85``: an l Tesseract made up beside an I or L (a serif stem read
    twice), or a b or d between a letter and a digit ("Stormb512"), its box over the gap between two
    blobs, the middle of neither and half its width on none. Taken only where the line has one letter
    symbol more than it has letter blobs (a "fi" that touches is one blob too, and Tesseract's box for
    its i drifts over the gap after it)."""
    if not re.search(r"l[IL]|[IL]l|[bd]\d", result.text):
        return result
    found = _letter_blobs(prepared)
    if found is None:
        return result
    blobs = [(x1, x2) for x1, x2, _ in found[0]]
    letters = marks.letter_symbols(result.symbols)
    if len(letters) != len(blobs) + 1:
        return result
    gaps = [(a[1], b[0]) for a, b in zip(blobs, blobs[1:], strict=False) if b[0] > a[1]]
    texts = [text for text, _, _ in result.symbols]

    def doubled(k: int) -> bool:
        if texts[k] in ("b", "d"):
            # a b made up of a 5's flag and the letter before it ("Stormb512", seeds 23652, 23697)
            return k + 1 < len(texts) and texts[k + 1].isdigit() and k > 0 and texts[k - 1].isalpha()
        # an l beside an I or L: a serif stem read twice
        return texts[k] == "l" and any(0 <= j < len(texts) and texts[j] in ("I", "L") for j in (k - 1, k + 1))

    made_up = []
    for k in letters:
        x1, _, x2, _ = result.symbols[k][1]
        holds_middle = any(x1 <= (b1 + b2) / 2 <= x2 for b1, b2 in blobs)
        over_gap = any(x1 <= g1 and g2 <= x2 for g1, g2 in gaps)
        on_a_blob = any(min(x2, b2) - max(x1, b1) > 0.5 * (x2 - x1) for b1, b2 in blobs)
        if doubled(k) and over_gap and not holds_middle and not on_a_blob:
            made_up.append(k)
    if len(made_up) != 1:
        return result
    return without_symbol(result, made_up[0])


CJK = re.compile(r"[\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\uac00-\ud7af]")


def with_underscores(prepared: np.ndarray, result: ocr.OcrResult) -> ocr.OcrResult:
    """Words joined by an underscore where one lies in the gap between them."""
    if len(result.words) < 2 or len(result.boxes) != len(result.words):
        return result
    gaps = marks.underscores(prepared)
    if not gaps:
        return result
    # where no underscore was read, one between the middles of two words joins them: Tesseract's word
    # boxes drift over it ("Letka_Dowix": the first word's box spans the a, the underscore and the D)
    loose = "_" not in result.text
    words, boxes = [result.words[0]], [result.boxes[0]]
    for word, box in zip(result.words[1:], result.boxes[1:], strict=True):
        left, right = boxes[-1][2], box[0]
        middles = ((boxes[-1][0] + boxes[-1][2]) / 2, (box[0] + box[2]) / 2)
        # (loosely only between words of letters in one ink: not an icon read "®" whose foot is flat, nor a
        # grey crown read "hMd" whose foot alone is dark enough to count as ink, "Shadow_hMd", seed 24319)
        wordy = all(sum(ch.isalnum() for ch in w) >= 2 for w in (words[-1][0], word[0]))
        inks = [_ink_core(prepared, b) for b in (boxes[-1], box)]
        wordy = wordy and None not in inks and abs(inks[0] - inks[1]) < FAINTER
        between = [
            g
            for g in gaps
            if left - 2 <= sum(g) / 2 <= right + 2 or loose and wordy and middles[0] <= sum(g) / 2 <= middles[1]
        ]
        if between:
            # the underscore read at a word's end ("Role_ Letux") is the one found in the gap; one not
            # read joins one pair of words only
            joint = "" if words[-1][0].endswith("_") or word[0].startswith("_") else "_"
            if joint:
                gaps.remove(between[0])
            words[-1] = (f"{words[-1][0]}{joint}{word[0]}", min(words[-1][1], word[1]))
            boxes[-1] = (boxes[-1][0], min(boxes[-1][1], box[1]), box[2], max(boxes[-1][3], box[3]))
        else:
            words.append(word)
            boxes.append(box)
    if len(words) == len(result.words):
        return result
    return ocr.OcrResult(" ".join(w for w, _ in words), result.confidence, tuple(words), tuple(boxes))


def with_words(result: ocr.OcrResult, words: tuple[tuple[str, float], ...]) -> ocr.OcrResult:
    """``result`` respelt as ``words`` (one per word, confidences kept), its boxes and symbols kept."""
    if words == result.words:
        return result
    return ocr.OcrResult(" ".join(w for w, _ in words), result.confidence, words, result.boxes, result.symbols)


def with_bars(result: ocr.OcrResult, letters: tuple[tuple[int, str], ...]) -> ocr.OcrResult:
    """``result`` with the I/l bars that ``stems.measure_bars`` told apart spelt as told."""
    return with_words(result, stems.respelt(result.words, result.symbols, letters))


def with_case(result: ocr.OcrResult, prepared: np.ndarray) -> ocr.OcrResult:
    """``result`` with letters such as c, o, s and x in the case their height shows (see ``stems``)."""
    letters = stems.case_by_height(prepared, result.symbols) if result.symbols else ()
    return with_words(result, stems.recased(result.words, result.symbols, letters))


def with_symbols(result: ocr.OcrResult, symbols: list[tuple[str, int]]) -> ocr.OcrResult:
    """``result`` spelt with ``symbols`` ((text, word index)), word confidences kept."""
    spelt = ["" for _ in result.words]
    for text, word in symbols:
        if word >= len(spelt):
            return result
        spelt[word] += text
    if not all(spelt):
        return result
    respelt = with_words(result, tuple((w, c) for w, (_, c) in zip(spelt, result.words, strict=True)))
    if all(text for text, _ in symbols) or len(symbols) != len(result.symbols):
        return respelt
    # a symbol made part of its neighbour's letter ("ii" made "ü") leaves the symbols, which stay one
    # per character for what measures letters after this ("Byquaü144": the flagged one of "l44")
    kept = tuple((text, box, word) for (text, _), (_, box, word) in zip(symbols, result.symbols, strict=True) if text)
    return ocr.OcrResult(respelt.text, respelt.confidence, respelt.words, respelt.boxes, kept)


def without_solid_ends(result: ocr.OcrResult, prepared: np.ndarray) -> ocr.OcrResult:
    """``result`` without a one-character word at either end drawn as one solid blob about as wide as
    tall: an icon beside the name (a pentagon read "9" or "®"); a digit is strokes, not a filled shape
    (a bold 6 or 8 is nearly as dark, but its bowls enclose holes of 7 to 10 % of its box). Nor a word of
    one to three characters drawn as a crown (see ``crowned``)."""

    def solid(i: int, kept: list[int]) -> bool:
        word = result.words[i][0]
        x1, y1, x2, y2 = result.boxes[i]
        ink = _own_ink(prepared, result.boxes[i])
        if len(word) != 1 or not ink.size or not 0.7 <= (x2 - x1) / max(y2 - y1, 1) <= 1.4:
            return False
        bowls = marks.holes(ink)[0][:, cv2.CC_STAT_AREA] >= 0.04 * ink.size
        return float(ink.mean()) >= 0.65 and not bowls.any()

    def crowned(i: int, kept: list[int]) -> bool:
        # a crown read as "My", "W" or "wi": one blob on a solid base, its bottom third all ink, where a
        # letter's foot is a stroke (an E's or an L's bar is a sixth of its height)
        word = result.words[i][0]
        ink = _own_ink(prepared, result.boxes[i]).astype(np.uint8)
        if len(word) > 3 or not ink.any():  # "ıdl" too (seed 24650): three letters are no one blob
            return False
        _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
        big = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
        x, y, w, h = (int(v) for v in stats[big, :4])
        if not 0.7 <= w / max(h, 1) <= 1.6 or stats[big, cv2.CC_STAT_AREA] < 0.8 * ink.sum():
            return False
        base = labels[y + h - max(1, h // 3) : y + h, x : x + w] == big
        return float(base.mean()) >= 0.85

    # a bold G is as solid as an icon: a capital drawn to the name's size and place stays ("NEO G")
    return _without_ends(result, lambda i, kept: (solid(i, kept) or crowned(i, kept)) and not letter_word(result, i))


def _own_ink(prepared: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """A word's ink, cut half way between its own darkest ink and white: a grey icon (a crown, a shield
    read "4" or "7" after a name, seeds 29412 and 29137) is mostly lighter than the crop's mid-grey,
    and a pentagon's antialiased rim left it under the solid share (seed 29378). Never a cut under
    mid-grey, so dark words are measured as before."""
    x1, y1, x2, y2 = box
    patch = prepared[max(y1, 0) : y2, max(x1, 0) : x2]
    core = _ink_core(prepared, box)
    return patch < max(128.0, (core + 255) / 2) if core is not None else patch < 128


def _without_ends(result: ocr.OcrResult, drop) -> ocr.OcrResult:
    """``result`` without the words at either end for which ``drop(index, indices kept)`` holds, one at
    a time from the end, then from the start, never the last word left."""
    if len(result.words) < 2 or len(result.boxes) != len(result.words):
        return result
    keep = list(range(len(result.words)))
    while len(keep) > 1 and drop(keep[-1], keep):
        keep.pop()
    while len(keep) > 1 and drop(keep[0], keep):
        keep.pop(0)
    if len(keep) == len(result.words):
        return result
    words = tuple(result.words[i] for i in keep)
    boxes = tuple(result.boxes[i] for i in keep)
    return ocr.OcrResult(" ".join(w for w, _ in words), result.confidence, words, boxes, result.symbols)


FAINTER = 80  # grey levels: how much lighter than the name's ink an icon's is, at the darkest of each


def without_faint_ends(result: ocr.OcrResult, prepared: np.ndarray) -> ocr.OcrResult:
    """``result`` without a short word at either end drawn in a lighter ink than the words it ends: an
    icon in another colour read as letters ("ıM4" off a grey crown after "Bragonlux_Luüne"). A name is
    written in one colour, and the crop is stretched so that its darkest ink is black. A rank before the
    name, in the numbers' colour, stays: it is split off as a number later."""

    @cache
    def core(j: int) -> float | None:
        return _ink_core(prepared, result.boxes[j])

    def faint(i: int, kept: list[int]) -> bool:
        word = result.words[i][0]
        if len(word) > 3 or word.isdigit() or core(i) is None:
            return False
        rest = [core(j) for j in kept if j != i and core(j) is not None]
        return bool(rest) and core(i) - min(rest) >= FAINTER

    return _without_ends(result, faint)


def _ink_core(prepared: np.ndarray, box: tuple[int, int, int, int]) -> float | None:
    """How dark a word's ink is at its darkest (the tenth percentile of its inked pixels), or None."""
    x1, y1, x2, y2 = box
    patch = prepared[max(y1, 0) : y2, max(x1, 0) : x2]
    ink = patch[patch < 200]
    return float(np.percentile(ink, 10)) if ink.size else None


def _rank_before(result: ocr.OcrResult) -> bool:
    """The first word is a rank the line model was unsure of ("5" at 63 before "Night506"): one or two
    digits standing on the next word's line, as tall as its letters. An icon read as a digit is drawn
    to its own size and place."""
    if len(result.words) < 2 or len(result.boxes) != len(result.words):
        return False
    word, confidence = result.words[0]
    (_, top, _, bottom), (_, next_top, _, next_bottom) = result.boxes[0], result.boxes[1]
    height = next_bottom - next_top
    return (
        word.isdigit()
        and len(word) <= 2
        and confidence >= 40
        and abs(top - next_top) <= 0.12 * height
        and next_top + 0.6 * height <= bottom <= next_bottom + 0.05 * height
    )


ROUND_ICON_READ = "®©@"  # what Tesseract makes of a round icon beside a name


_TAG_OPENED_BY_BAR = re.compile(r"^\|(?=[A-Z0-9]{2,5}\]\S)")  # "|NKE]Raomor": the "[" read as a bar


_TALL = set("ABCDEFGHIJKLMNOPQRSTUVWXYZbdfhklt0123456789")
_DESCENDING = set("gjpqy,")
BARS = ("|", "l", "I")


def letter_word(result: ocr.OcrResult, k: int, sure: float = 85.0) -> bool:
    """Whether word ``k``, one character at an end of the line, is a capital of the name ("I am nobody",
    "NEO G") rather than an icon read as a letter: read surely as a capital or a bar, its top on the
    line's capitals' and its foot on their baseline (each within 0.12 of their height), a word's space
    (under 0.8 of that height) from the next word. An icon is drawn to its own size and place."""
    if len(result.boxes) != len(result.words) or len(result.words) < 2 or k not in (0, len(result.words) - 1):
        return False
    word, confidence = result.words[k]
    # (a bar is read less surely: "|" at 70 for an I on a real screen)
    if len(word) != 1 or confidence < (sure - 20 if word in BARS else sure) or not (word.isupper() or word in BARS):
        return False
    others = [(w, b) for j, ((w, _), b) in enumerate(zip(result.words, result.boxes, strict=True)) if j != k]
    tops = [b[1] for w, b in others if _TALL & set(w)]
    feet = [b[3] for w, b in others if not _DESCENDING & set(w) and w.isalnum()]
    if not tops or not feet:
        return False
    top, foot = float(np.median(tops)), float(np.median(feet))
    height = foot - top
    x1, y1, x2, y2 = result.boxes[k]
    near = result.boxes[1] if k == 0 else result.boxes[-2]
    space = near[0] - x2 if k == 0 else x1 - near[2]
    return height > 0 and abs(y1 - top) <= 0.12 * height and abs(y2 - foot) <= 0.12 * height and space < 0.8 * height


def trim_words(result: ocr.OcrResult) -> str:
    """Drop low-confidence junk words at either end (an icon read as ``©`` or ``|``)."""
    # a tag opened by a bar: its "[" (seed 26861: "1 |NKE]RaomorAkfingon486", the name's word dropped as
    # junk for its unmatched "]", the rank left as the name)
    words = [(_TAG_OPENED_BY_BAR.sub("[", word, count=1), c) for word, c in result.words]
    # a capital standing alone at an end, drawn as the name's letters are: a word of it ("I am nobody")
    first_lettered, last_lettered = letter_word(result, 0), letter_word(result, len(words) - 1)
    for k, lettered in ((0, first_lettered), (len(words) - 1, last_lettered)):
        if lettered:
            words[k] = ("I" if words[k][0] in BARS else words[k][0], words[k][1])
    # a name spelt with its letters spaced out ("D A D D Y"): its letters are no icons
    spaced = sum(len(w) == 1 and w.isalpha() and c >= 85 for w, c in words) >= 3

    def junk(word: str, conf: float) -> bool:
        alnum = sum(ch.isalnum() for ch in word)
        kept = (CJK.match(word) or spaced and word.isalpha()) and conf >= 85
        if len(word) == 1 and not word.isdigit() and not kept:
            return True  # an icon beside the name read as a letter or symbol (a sure Hangul syllable stays)
        if conf < 85 and not TAG_AS_READ.fullmatch(word) and (ODD.search(word) or word.count("[") != word.count("]")):
            return True  # a badge read as "(18§" or "[ty"; not a tag whose "]" was read as ")" (see fix_tag)
        if not word.strip(ROUND_ICON_READ):
            return True  # a round icon (a target, a ring) read "®©" however surely: no name's word
        return conf < 65 and (alnum == 0 or len(word) <= 2 or alnum < len(word) / 2)

    def glued_icon(word: str, conf: float) -> bool:  # "Byvi®" at 62 (seed 26271): the word stays
        bare = word.rstrip(ROUND_ICON_READ)
        return bare != word and sum(ch.isalpha() for ch in bare) >= 3 and not junk(bare, conf)

    while len(words) > 1 and not last_lettered and junk(*words[-1]) and not glued_icon(*words[-1]):
        words.pop()
    if words:
        last, conf = words[-1]
        bare = last.rstrip(ROUND_ICON_READ)
        if bare != last and sum(ch.isalpha() for ch in bare) >= 2:
            words[-1] = (bare, conf)  # the icon glued to the name's last word ("Låan®", seed 23866)
    while len(words) > 1 and not first_lettered and junk(*words[0]):
        if len(words) == len(result.words) and _rank_before(result):
            break
        words.pop(0)
    text = " ".join(w for w, _ in words) if words else ""
    name = fix_tag(fix_leading_zero(fix_capital_i(clean_read(text))))
    # tildes glued to the last word, read surely, are the player's ("Floki~~" at 90, a real screen);
    # clean_read strips them as it does an icon's stray stroke
    tildes = re.search(r"(?<=\w)~+$", words[-1][0]) if words else None
    if tildes and words[-1][1] >= 85 and name and not name.endswith("~"):
        name += tildes.group()
    return name


SPACE = 0.28  # of the cap height: an ink gap narrower than this is no space between words
DIGITS_SPACE = 0.35  # the same between digits, a word space being 0.37 or more


def without_made_up_spaces(result: ocr.OcrResult, prepared: np.ndarray) -> ocr.OcrResult:
    """``result`` with two words joined where no space is drawn between them: the ink gap between their
    boxes is a letter's gap ("Vishael Tervi" for "VishaelTervi", "Zumorra 747"). A word space measured 0.37
    of the cap height or more on the generator's screens, a gap between letters 0.2 or less. Words of two
    letters or more only: an icon glued to a name is trimmed as a word of its own (see ``trim_words``)."""
    words, boxes = list(result.words), list(result.boxes)
    if len(words) < 2 or len(boxes) != len(words):
        return result
    found = marks.components(prepared)
    if found is None:
        return result
    cap = found[4]
    ink = (prepared < 128).any(axis=0)
    lows = marks.underscores(prepared, found)
    joined = False
    k = 0
    while k + 1 < len(words):
        (left, left_conf), (right, right_conf) = words[k], words[k + 1]
        wordy = all(sum(ch.isalnum() for ch in w) >= 2 and c >= 70 for w, c in ((left, left_conf), (right, right_conf)))
        # a name's last digits parted ("Terterqua8 1", seed 26944; a 1 stands wide of its neighbours, 0.29 of
        # the cap height there): a lone digit is no icon, and the gap is measured against a word space
        digits = left[-1:].isdigit() and right.isdigit() and min(left_conf, right_conf) >= 70
        widest = SPACE * cap if not digits else DIGITS_SPACE * cap
        first, second = boxes[k], boxes[k + 1]
        middles = sorted(((first[0] + first[2]) // 2, (second[0] + second[2]) // 2))
        underscored = any(middles[0] <= (x1 + x2) / 2 <= middles[1] for x1, x2 in lows)  # its ink fills the gap
        if (wordy or digits) and not underscored and _widest_gap(ink, first, second) < widest:
            words[k : k + 2] = [(left + right, min(left_conf, right_conf))]
            boxes[k : k + 2] = [
                (min(first[0], second[0]), min(first[1], second[1]), max(first[2], second[2]), max(first[3], second[3]))
            ]
            joined = True
            continue
        k += 1
    if not joined:
        return result
    symbols, confidences = result.symbols, result.symbol_confidences
    if symbols:
        # each symbol's word index, counted again over the joined words
        starts = [0]
        for w, _ in words:
            starts.append(starts[-1] + len(w))
        if len(symbols) == starts[-1]:
            symbols = tuple(
                (text, box, next(j for j in range(len(words)) if starts[j] <= n < starts[j + 1]))
                for n, (text, box, _) in enumerate(symbols)
            )
        else:
            symbols, confidences = (), ()  # respelt to other lengths: no longer one per character
    text = " ".join(w for w, _ in words)
    return ocr.OcrResult(text, result.confidence, tuple(words), tuple(boxes), symbols, confidences)


def _widest_gap(ink: np.ndarray, left: tuple[int, int, int, int], right: tuple[int, int, int, int]) -> int:
    """The widest run of inkless columns between the middles of two word boxes."""
    a, b = (left[0] + left[2]) // 2, (right[0] + right[2]) // 2
    widest = run = 0
    for has_ink in ink[max(a, 0) : max(b, 0)]:
        run = 0 if has_ink else run + 1
        widest = max(widest, run)
    return widest
