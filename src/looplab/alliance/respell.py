"""A name read again with its accents put back (see ``marks``), by the models that spell more of them."""

from __future__ import annotations

import re

import numpy as np

from looplab.alliance import marks, ocr
from looplab.alliance.scripts import read_cjk
from looplab.alliance.words import replaced_once, tags_whole, with_symbols, without_symbol


def respell(prepared: np.ndarray, first: ocr.OcrResult, sure: float = 85.0) -> ocr.OcrResult:
    """A name with accents put back: a name with accent marks (see ``marks``) is read again with the
    marks wiped and each mark put on its letter; one read with little confidence is read again with
    the names models, which spell more accents (German and English, see ``ocr.read_line``), then with the
    Japanese model."""
    found = marks.accent_marks(prepared)
    if not found and first.confidence >= sure:
        first = _with_umlaut_for_ii(first, prepared)
        if not any(t in ("c", "C", "¢", "g", "a", "d") for t, _, _ in first.symbols) and not marks.slashed_os(prepared):
            shaped = marks.shaped_letters(first.symbols, prepared)  # "Złoty" read "Ztoty", "Ayşe" "Ayse"
            return first if shaped is None else with_symbols(first, shaped)
        return with_symbols(first, marks.put_marks(first.symbols, [], prepared))
    wiped = marks.wipe(prepared, found) if found else prepared
    again = ocr.read_line(wiped, kind="names", symbols=True)
    latin = first
    near = again.confidence >= first.confidence - (15 if found else 10)
    # the German model reads a tag's "]" twice, as "]J", where the English one read it once
    extra_j = "]J" in again.text and "]J" not in first.text and "]" in first.text
    doubled = extra_j and again.text.replace("]J", "]", 1) == first.text
    if again.words and near and not doubled and (tags_whole(again) or not tags_whole(first)):
        latin = with_symbols(again, marks.put_marks(again.symbols, found, wiped))
        acute = marks.lone_dot_umlauts(again.symbols, wiped)
        if acute is not None:
            latin = with_symbols(latin, acute)
        if extra_j:
            latin = _without_extra_j(latin)  # "[HTP]JRoóe": the rest of its reading is kept
    elif found and first.symbols:
        # the bare line read worse than the first reading: the marks go on the first reading's letters
        latin = with_symbols(first, marks.put_marks(first.symbols, found, prepared))
    return read_cjk(prepared, found, latin) or latin


def _without_extra_j(result: ocr.OcrResult) -> ocr.OcrResult:
    """``result`` less the J after its "]", in its symbols too where they spell its words: what measures
    letters after this pairs symbols with blobs ("[HNE]JEIterlux": with the J kept, the l after the E was
    never measured against the capitals, seed 26318)."""
    texts = [text for text, _, _ in result.symbols]
    at = next((k + 1 for k in range(len(texts) - 1) if texts[k] == "]" and texts[k + 1] == "J"), None)
    dropped = without_symbol(result, at) if at is not None else result
    return dropped if dropped is not result else replaced_once(result, "]J", "]")


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
    return with_symbols(first, [(text, word) for text, _, word in symbols])  # the second i leaves the symbols
