"""Names in scripts the Latin models cannot read: kana and kanji with the Japanese model, Hangul with
the Korean one, each merged with the Latin reading of the tag."""

from __future__ import annotations

import re
from dataclasses import replace

import cv2
import numpy as np

from looplab.alliance import marks, ocr
from looplab.alliance.words import CJK, ODD, with_symbols


def read_cjk(prepared: np.ndarray, found: list, latin: ocr.OcrResult, *, below: float = 60.0, sure: float = 85.0):
    """The Japanese (kana, kanji and Latin) or Korean (Hangul and Latin) model's reading, the surer of
    the two, of a name the Latin models read badly or with characters they make up of shapes they do not
    know ("ツ" read as "'/"), when it is sure of it and it holds at least two CJK characters (an icon is
    read as one kana); None else. The crop is read with its marks (kana have dots and strokes that look
    like accents)."""
    if latin.confidence >= below and not ODD.search(latin.text):
        return None
    prepared = without_underline(prepared)
    best = None
    for kind in ("cjk", "korean"):
        if not ocr.has_languages(kind) or kind == "korean" and latin.confidence >= below:
            continue  # the Korean model reads Hangul into icons too readily: only for a bad reading
        read = ocr.read_line(prepared, kind=kind, symbols=True)
        sureness = read.confidence
        if kind == "cjk":
            read = kana_by_strokes(read, prepared)
        decorated = kana_decorated(latin, read, sure=sure - 5, prepared=prepared) if kind == "cjk" else None
        if decorated is not None:
            read = decorated  # the Latin letters agreed on: its CJK characters, each sure, decide
        elif kind == "korean":
            # the Latin words stay the Latin models', each the surer reading of it: the names models read a
            # tag the English one was unsure of ("[VIDi)" at 84 where "(ViDi]" at 42, riseofkingdoms_2)
            names = ocr.read_line(prepared, kind="names")
            read, sureness = with_hangul(latin, read, surer=names)
        if decorated is None and (sureness < max(sure, latin.confidence + 25) or len(CJK.findall(read.text)) < 2):
            continue
        if decorated is None and kind == "cjk" and np.median([c for w, c in read.words if CJK.search(w)]) < 80:
            # sure of the Latin letters, not of the kana it made of a decoration ("D A D D Y≋" read
            # "D A D D Y タ ヌ ー", the kana 55, 70, 91; real kana and kanji names 87 and up)
            spelt = [(w, c) for w, c in read.words if not CJK.search(w)]
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
    read = with_symbols(read, marks.put_marks(read.symbols, found, prepared))  # no kana takes an accent
    # the Japanese model reads each CJK character as a word: no spaces next to one
    words: list[tuple[str, float]] = []
    for word, conf in read.words:
        if words and (CJK.match(word[0]) or CJK.match(words[-1][0][-1])):
            words[-1] = (words[-1][0] + word, min(words[-1][1], conf))
        else:
            words.append((word, conf))
    return ocr.OcrResult(" ".join(w for w, _ in words), read.confidence, tuple(words))


def without_underline(prepared: np.ndarray, *, thin: float = 0.25, covered: float = 0.6) -> np.ndarray:
    """``prepared`` with a rule drawn under its text wiped: a flat stroke longer than the ink is tall
    (no letter's bar is), at most ``thin`` of that height, in the ink's lower part, with letters above
    at least ``covered`` of its length (an underscore lies between letters, not under them). The
    Japanese model reads "Stevieツ" underlined as "Stevie ソ" at 77, or "ツ" at 53; without the rule
    "ツ" at 87 and 83 (whiteoutsurvival_20251114_001505)."""
    ink = (prepared < 128).astype(np.uint8)
    rows = np.flatnonzero(ink.any(axis=1))
    if len(rows) < 4:
        return prepared
    top, height = int(rows[0]), int(rows[-1] - rows[0] + 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (max(8, round(1.2 * height)), 1))
    rules = cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(rules, connectivity=8)
    wiped = np.zeros_like(ink)
    for i in range(1, count):
        x, y, w, h = (int(v) for v in stats[i, :4])
        if h > thin * height or y < top + 0.6 * height or y <= top:
            continue
        if ink[top:y, x : x + w].any(axis=0).mean() >= covered:
            wiped[labels == i] = 1
    if not wiped.any():
        return prepared
    wiped = cv2.dilate(wiped, np.ones((3, 1), np.uint8))  # the rule's grey fringe
    out = prepared.copy()
    out[wiped > 0] = 255
    return out


# kana told apart by their count of strokes: the Japanese model reads a "ツ" as "ソ" at 88
# (whiteoutsurvival_20251112_114619); the pairs are alike but for one short stroke
_ONE_STROKE_MORE = {"ソ": "ツ", "ン": "シ"}


def kana_by_strokes(read: ocr.OcrResult, prepared: np.ndarray) -> ocr.OcrResult:
    """``read`` with each "ソ" or "ン" drawn in three strokes spelt "ツ" or "シ". Only that way round:
    blur can join a "ツ"'s two short strokes, it does not break a stroke in two."""
    symbols = list(read.symbols)
    for k, (text, box, word) in enumerate(symbols):
        if text in _ONE_STROKE_MORE and _strokes(prepared, box) == 3:
            symbols[k] = (_ONE_STROKE_MORE[text], box, word)
    if symbols == list(read.symbols):
        return read
    respelt = with_symbols(read, [(text, word) for text, _, word in symbols])
    return replace(respelt, symbols=tuple(symbols), symbol_confidences=read.symbol_confidences)


def _strokes(prepared: np.ndarray, box: tuple[int, int, int, int], *, least: float = 0.15) -> int:
    """The pieces of ink in ``box`` (a pixel's margin around it) of at least ``least`` of the largest's area."""
    x1, y1, x2, y2 = box
    ink = (prepared[max(y1 - 1, 0) : y2 + 1, max(x1 - 1, 0) : x2 + 1] < 128).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    areas = stats[1:count, cv2.CC_STAT_AREA]
    return int((areas >= max(4, least * areas.max())).sum()) if len(areas) else 0


def kana_decorated(
    latin: ocr.OcrResult, japanese: ocr.OcrResult, *, sure: float, prepared: np.ndarray | None = None
) -> ocr.OcrResult | None:
    """``Stevieツ``: a Latin name with a kana or kanji for decoration, which the Latin models read as
    characters they make up ("Stevie'/"). Taken when the Japanese model reads the same Latin letters and
    each CJK character it adds surely; low-confidence CJK words at the ends (an underline read as "ソ")
    are left out, and so are CJK words drawn solid in ``prepared`` (the crop read): a filled icon after
    the name ("Elan" and a shield, read "Elan 孵" at 88, seed 23581). None else."""
    words = list(japanese.words)
    if prepared is not None and len(japanese.boxes) == len(words):
        words = [
            w for w, box in zip(words, japanese.boxes, strict=True) if not (CJK.search(w[0]) and _solid(prepared, box))
        ]
    while words and CJK.fullmatch(words[-1][0]) and words[-1][1] < 65:
        words.pop()
    while words and CJK.fullmatch(words[0][0]) and words[0][1] < 65:
        words.pop(0)
    cjk = [c for w, c in words if CJK.search(w)]
    if not cjk or min(cjk) < sure or any(CJK.search(w) and not CJK.fullmatch(w) for w, _ in words):
        return None

    def letters(text: str) -> str:
        return "".join(ch for ch in text if ch.isalnum() and not CJK.match(ch))

    if not letters(latin.text) or letters("".join(w for w, _ in words)) != letters(latin.text):
        return None
    return ocr.OcrResult(" ".join(w for w, _ in words), japanese.confidence, tuple(words))


def _solid(prepared: np.ndarray, box: tuple[int, int, int, int]) -> bool:
    """Whether the ink in ``box`` has a core a third of the box's height across: a filled shape. A
    character's strokes, bold ones too, are a fifth of its height or thinner."""
    x1, y1, x2, y2 = box
    ink = (prepared[max(y1, 0) : y2, max(x1, 0) : x2] < 128).astype(np.uint8)
    side = max(3, round((y2 - y1) / 3))
    return ink.size > 0 and bool(cv2.erode(ink, np.ones((side, side), np.uint8)).any())


HANGUL = re.compile(r"[\u3130-\u318f\uac00-\ud7af]")
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
        if HANGUL.fullmatch(symbol) and run and " " not in read.text[end:at]:
            run.append((symbol, confidence, box))
        else:
            if run:
                runs.append(run)
            run = [(symbol, confidence, box)] if HANGUL.fullmatch(symbol) else []
        end = at + len(symbol)
    if run:
        runs.append(run)
    words = []
    for run in runs:
        boxes = [b for *_, b in run]
        box = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
        words.append(("".join(t for t, _, _ in run), float(np.mean([c for _, c, _ in run])), box))
    return words


def with_hangul(
    latin: ocr.OcrResult, korean: ocr.OcrResult, *, unsure: float = 80.0, surer: ocr.OcrResult | None = None
) -> tuple[ocr.OcrResult, float]:
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
    if np.median([c for w, c in korean.words if HANGUL.search(w)]) < 55:
        # sure of each stroke but not of the words ("[HEI]" read as "먼티국": 41, 49, 0; real
        # names 65 and up)
        return none
    for *_, box in hangul:
        replaced = under(box)
        if not replaced or any(c >= unsure or re.search(r"[^\W\d_]{4,}", w) for w, c in replaced):
            return none
    kept = [(w, c, b) for (w, c), b in latin_words if not any((w, c) in under(hb) for *_, hb in hangul)]
    if surer is not None and len(surer.boxes) == len(surer.words):
        # a kept word, from another reading of the line where it is read more surely over the same columns
        kept = [_surer_over(word, surer) for word in kept]
    merged = sorted(kept + hangul, key=lambda word: word[2][0])
    sureness = float(np.mean([c for _, c, _ in hangul]))
    words = tuple((w, c) for w, c, _ in merged)
    confidence = min([sureness] + [c for _, c, _ in kept])
    return ocr.OcrResult(" ".join(w for w, _ in words), confidence, words, tuple(b for *_, b in merged)), sureness


def _surer_over(word: tuple[str, float, tuple[int, int, int, int]], other: ocr.OcrResult):
    """``word`` (text, confidence, box), or the word of ``other`` over the same columns (each box overlapping
    the other by 0.8 of the wider) where that one is read more surely, with no bracket made up ("[VENi])",
    its "]" read twice)."""
    text, confidence, box = word
    for (other_text, other_confidence), other_box in zip(other.words, other.boxes, strict=True):
        shared = min(box[2], other_box[2]) - max(box[0], other_box[0])
        brackets = sum(other_text.count(b) for b in "[(") - sum(other_text.count(b) for b in ")]")
        wide = shared >= 0.8 * max(box[2] - box[0], other_box[2] - other_box[0])
        if wide and other_confidence > confidence and brackets == 0:
            return other_text, other_confidence, other_box
    return word
