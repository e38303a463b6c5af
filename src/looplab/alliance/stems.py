"""Capital I or small l (or a dotless i read as one of them), told apart by the letter's height.

In most sans-serif fonts the two are one vertical bar, and Tesseract guesses ("ZuanIron" read as
"Zuanlron"). What differs is the height: an l reaches the ascender line of b, d, h and k, a few
percent above the cap line of E, H, T and Z. On a prepared crop (cap height near ``ocr.TARGET_HEIGHT``)
that is one or two pixels, so each top is measured to a fraction of a pixel from the grey ramp of
its edge, and a bar is called only against letters of the same line whose height is known.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np

from looplab.alliance import marks

CAPITALS = set("ABDEFHKLMNPRTUVWXYZ57")  # tops at the cap line
ASCENDERS = set("bdhk")  # flat tops at the ascender line (an f rises above it in some fonts)
BARS = set("Ili")  # an i whose stem stands as tall as a capital has lost its dot: an I
MIN_GAP = 0.02  # of the cap height: how far apart the two lines must be to be told apart
MAX_GAP = 0.09  # ascenders rise 2 to 7 % above capitals: a bar higher than that is something else


def edge_top(prepared: np.ndarray, box: tuple[int, int, int, int], mask: np.ndarray) -> float | None:
    """Sub-pixel top of a component: per column that reaches its top row, where the ink (dark on a
    light ground) crosses half coverage, interpolated between rows; the median over those columns."""
    x, y, w, h = box
    first_rows = mask.argmax(axis=0)
    cols = np.nonzero(mask.any(axis=0) & (first_rows <= 1))[0]
    first = y + first_rows[cols]
    cols, first = cols[first > 0], first[first > 0]
    above = 1.0 - prepared[first - 1, x + cols] / 255.0
    at = 1.0 - prepared[first, x + cols] / 255.0
    rising = at > above
    if not rising.any():
        return None
    tops = first[rising] - (at[rising] - 0.5) / (at[rising] - above[rising])
    return float(np.median(tops))


def letter_tops(prepared: np.ndarray, symbols, found=None, pairs=None) -> list[tuple[float, int] | None] | None:
    """The measured top and the width of each symbol's letter blob (a huge width for a blob whose
    middle is no single even stroke), None for a symbol paired with none; None overall when the crop
    holds no line of letters. ``found``: ``marks.components(prepared)`` and ``pairs``:
    ``marks.letter_pairs(symbols, found)[0]``, when the caller has them."""
    found = marks.components(prepared) if found is None else found
    if found is None:
        return None
    labels, boxes, _, _, _ = found
    pairs = marks.letter_pairs(symbols, found)[0] if pairs is None else pairs
    tops: list[tuple[float, int] | None] = [None] * len(symbols)
    for s, i in pairs:
        x, y, w, h, _ = boxes[i]
        mask = labels[y : y + h, x : x + w] == i + 1
        top = edge_top(prepared, (int(x), int(y), int(w), int(h)), mask)
        # a bar's middle is one stroke of even width; a t's crossbar or a merged pair is not
        middle = mask[int(0.2 * h) : max(int(0.8 * h), int(0.2 * h) + 1)].sum(axis=1)
        even = float(middle.max()) <= 1.5 * float(np.median(middle)) + 1
        tops[s] = None if top is None else (top, int(w) if even else 10**6)
    return tops


def _widest(text: str, symbols, i: int) -> float:
    """How wide, in cap heights, the blob of bar ``i`` may be: a sans I or l is a thin stroke, a serif
    I wider (Liberation Serif Bold's, the widest measured, 0.46 of the line's cap height), a one read
    as an l wider still with its flag and foot."""
    return 0.7 if text != "i" and _among_digits(*_word_of(symbols, i)) else 0.55


SAME = 0.012  # of the cap height: a top this near a line is on it


@dataclass(frozen=True)
class Bars:
    """What the heights of one line's bars tell. ``sure``: (symbol index, letter) decided from this
    line alone; ``if_apart``: decisions that hold when the font's ascenders rise above its capitals,
    which the line could not show itself (the screen's other lines may: see ``gaps``); ``gaps``: how far
    apart the two lines were measured on this line, in cap heights."""

    sure: tuple[tuple[int, str], ...] = ()
    if_apart: tuple[tuple[int, str], ...] = ()
    gaps: tuple[float, ...] = ()


def _word_of(symbols, i: int) -> tuple[list[str], int]:
    """The letters of symbol ``i``'s word, and its position in them."""
    word = [t for t, _, w in symbols if w == symbols[i][2]]
    return word, [j for j, (_, _, w) in enumerate(symbols) if w == symbols[i][2]].index(i)


def flag_reach(mask: np.ndarray) -> float | None:
    """How far left of its stem, in heights, a bar's ink reaches a fifth of the way down: a one's flag
    does (0.17 to 0.25 in the fonts measured), an l's or an I's top, serifs and all, does not (0)."""
    h = mask.shape[0]
    first = [int(np.argmax(row)) if row.any() else None for row in mask]
    stem = [f for f in first[int(0.45 * h) : int(0.8 * h)] if f is not None]
    top = [f for f in first[int(0.12 * h) : int(0.3 * h) + 1] if f is not None]
    return (float(np.median(stem)) - min(top)) / h if stem and top else None


def flagged_ones(symbols, found, pairs) -> list[tuple[int, str]]:
    """Bars read as l or I (or a footed one as L: "Elbrali133" read "ElbraliL33") in a run of digits that
    ends the word, drawn with a one's flag ("Kaobra167" read "Kaobral67"): (symbol index, "I"), which
    ``respelt`` makes a one there; and (index, "1") for each bar of a run that ends a word after a small
    letter when all of them are flagged (see ``_final_bar_runs``). An L's stem is its leftmost ink: it has no flag."""
    labels, boxes, _, _, _ = found
    ones, flagged = [], set()
    for s, i in pairs:
        if symbols[s][0] not in ("l", "I", "L"):
            continue
        x, y, w, h, _ = boxes[i]
        reach = flag_reach(labels[y : y + h, x : x + w] == i + 1)
        if w <= 0.8 * h and reach is not None and reach >= 0.1:
            flagged.add(s)
            if _among_digits(*_word_of(symbols, s)):
                ones.append((s, "I"))
    for run in _final_bar_runs(symbols):
        if flagged.issuperset(run):
            ones += [(s, "1") for s in run]  # "Dekavi11" read "Dekavill": ones, all of them flagged
    return ones


def _final_bar_runs(symbols) -> list[list[int]]:
    """Symbol indices of the bars (I, l) that end a word after a small letter, digits none among them
    (after a capital, an I ends a word in capitals: "[HEI" read without its bracket, in a font whose
    I has a serif that reaches out like a flag)."""
    runs = []
    for word in {w for _, _, w in symbols}:
        at = [j for j, (_, _, w) in enumerate(symbols) if w == word]
        k = len(at)
        while k > 0 and symbols[at[k - 1]][0] in ("l", "I"):
            k -= 1
        if 0 < k < len(at) and symbols[at[k - 1]][0].islower():
            runs.append(at[k:])
    return runs


def footed_ls(symbols, found, pairs) -> list[tuple[int, str]]:
    """Bars read as l whose blob is a capital's height and an L's shape, a thin stem with a foot
    ("ByeéLiel" read "Byeeliel"): (symbol index, "L")."""
    labels, boxes, _, baseline, cap = found
    footed = []
    for s, i in pairs:
        if symbols[s][0] != "l":
            continue
        x, y, w, h, _ = boxes[i]
        if w < 0.45 * cap or not 0.85 * cap <= baseline - y <= 1.1 * cap:
            continue
        mask = labels[y : y + h, x : x + w] == i + 1
        upper = [np.nonzero(row)[0] for row in mask[: int(0.7 * h)]]
        # above the foot, all ink in the left part: no arm (an E), no second stroke (a "kl" or "xl" fused
        # into one blob)
        ends = [cols[-1] for cols in upper if len(cols)]
        right = float(np.percentile(ends, 90)) if ends else w
        foot = float(mask[int(0.85 * h) :].sum(axis=1).max())
        if right <= 0.5 * w and foot >= 0.8 * w:
            footed.append((s, "L"))
    return footed


def measure_bars(prepared: np.ndarray, symbols) -> Bars:
    """I or l for each bar read as one, from its top against the line's capitals and ascenders; a one
    for a bar with a one's flag among digits, an L for an l with a foot."""
    if not any(text in BARS or text == "1" for text, _, _ in symbols):
        return Bars()
    found = marks.components(prepared)
    if found is None:
        return Bars()
    pairs = marks.letter_pairs(symbols, found)[0]
    ones = flagged_ones(symbols, found, pairs) + footed_ls(symbols, found, pairs)
    plain = _plain_ones_among_letters(symbols, found, pairs)
    bars = _bars_by_height(prepared, symbols, found, pairs, also=plain)
    flagged = {i for i, _ in ones}
    told = flagged | {i for i, _ in bars.sure}
    # a plain one that opens a word before a small letter, its height telling nothing: a name's words
    # start with a capital ("Ixix275" read "1xix275" where capitals and ascenders stand at one height)
    openers = [(i, "I") for i in plain if i not in told and (i == 0 or symbols[i - 1][2] != symbols[i][2])]
    return Bars(
        tuple(ones) + tuple(b for b in bars.sure if b[0] not in flagged) + tuple(openers),
        tuple(b for b in bars.if_apart if b[0] not in flagged),
        bars.gaps,
    )


def _plain_ones_among_letters(symbols, found, pairs) -> set[int]:
    """Symbols read "1" between two letters of their word, or before a small letter that opens it, whose
    blob has no one's flag: a bar read as a one ("Ixli840" read "Ix1i840" in a narrow font), to be told
    I or l by its height like the others."""
    labels, boxes, _, _, _ = found
    plain = set()
    for s, i in pairs:
        word, at = _word_of(symbols, s)
        between = 0 < at < len(word) - 1 and word[at - 1].isalpha() and word[at + 1].isalpha()
        opening = at == 0 and len(word) > 1 and word[1].islower()  # "Iroó779" read "1r00779"
        if word[at] != "1" or not (between or opening):
            continue
        x, y, w, h, _ = boxes[i]
        reach = flag_reach(labels[y : y + h, x : x + w] == i + 1)
        if reach is not None and reach < 0.1:
            plain.add(s)
    return plain


def _bars_by_height(prepared: np.ndarray, symbols, found, pairs, also: frozenset[int] | set[int] = frozenset()) -> Bars:
    tops = letter_tops(prepared, symbols, found, pairs)
    if tops is None:
        return Bars()
    _, _, _, baseline, cap = found
    lines = []
    for letters in (CAPITALS, ASCENDERS):
        measured = [t[0] for (text, _, _), t in zip(symbols, tops, strict=True) if text in letters and t is not None]
        level = float(np.median(measured)) if measured else None
        if measured and max(abs(t - level) for t in measured) > 2 * SAME * cap:
            return Bars()  # letters of one line at several heights: misread or mispaired, no ruler
        lines.append(level)
    caps, ascenders = lines
    both = None if caps is None or ascenders is None else (caps - ascenders) / cap
    if both is not None and not -MAX_GAP <= both <= MAX_GAP:
        return Bars()
    sure, if_apart, gaps = [], [], [] if both is None else [both]
    bars = []
    for i, ((text, _, _), measured) in enumerate(zip(symbols, tops, strict=True)):
        if (text not in BARS and i not in also) or measured is None:
            continue
        top, width = measured
        if baseline - top < 0.9 * cap or width > _widest(text, symbols, i) * cap:
            continue  # no full-height bar on the baseline: an x-height stem, a "Fi" drawn as one blob
        bars.append((i, top))
    split = _two_heights(bars, cap)
    if split and (both is None or both < MIN_GAP):
        # the bars themselves stand at two heights where the other letters could not tell ("Ladylxelby"
        # in 15 px type: its b and d measured lower than its l)
        return Bars(split, (), (max(abs(t - u) for _, t in bars for _, u in bars) / cap,))
    for i, top in bars:
        above_caps = None if caps is None else (caps - top) / cap
        below_ascenders = None if ascenders is None else (top - ascenders) / cap
        if (above_caps is not None and not -2 * SAME <= above_caps <= MAX_GAP) or (
            below_ascenders is not None and not -2 * SAME <= below_ascenders <= MAX_GAP
        ):
            continue  # above an l or below an I: a bracket or a pipe, or paired with the wrong blob
        if both is not None and both >= MIN_GAP:
            sure.append((i, "I" if above_caps < both / 2 else "l"))
        elif both is not None:
            continue  # this font, at this size, puts both at one height
        elif above_caps is not None and above_caps >= MIN_GAP:
            sure.append((i, "l"))
            gaps.append(above_caps)
        elif below_ascenders is not None and below_ascenders >= MIN_GAP:
            sure.append((i, "I"))
            gaps.append(below_ascenders)
        elif above_caps is not None and above_caps <= SAME:
            if_apart.append((i, "I"))
        elif below_ascenders is not None and below_ascenders <= SAME:
            if_apart.append((i, "l"))
    if any(g >= MIN_GAP for g in gaps):
        sure, if_apart = sure + if_apart, []
    return Bars(tuple(sure), tuple(if_apart), tuple(gaps))


def capital_starts(
    symbols, decided: set[int], dotless: frozenset[int] | set[int] = frozenset()
) -> tuple[tuple[int, str], ...]:
    """(symbol index, "I") for a bar read "l" that starts a word before a small letter, in a name whose
    other words all start with a capital ("Mordow láon", "[KVV] låon_Letnefin"), where its height
    decided nothing (``decided``: the bars ``measure_bars`` told). In fonts that draw I and l alike a
    name's words are capitalised alike. So is a bar read "i" that has no dot and stands as tall as the
    capitals (``dotless``: "[GGP]Iron" read "[GGP]iron", seed 26891)."""
    starts = []
    for i, (text, _, word) in enumerate(symbols):
        before = symbols[i - 1] if i else None
        if text.isalpha() and (before is None or before[2] != word or before[0] in "_[]"):
            starts.append(i)
    bars = [
        i
        for i in starts
        if (symbols[i][0] == "l" or symbols[i][0] == "i" and i in dotless)
        and i not in decided
        and i + 1 < len(symbols)
        and symbols[i + 1][2] == symbols[i][2]
        and unicodedata.category(symbols[i + 1][0][:1]) == "Ll"
    ]
    others = [i for i in starts if i not in bars]
    if not bars or not others or not all(symbols[i][0][:1].isupper() for i in others):
        return ()
    return tuple((i, "I") for i in bars)


SPLIT = 0.03  # of the cap height: bars this far apart in one line are an I and an l


def _two_heights(bars: list[tuple[int, float]], cap: float) -> tuple[tuple[int, str], ...]:
    """(symbol index, letter) for bars whose tops fall in two groups, each tight, at most ``MAX_GAP``
    and at least ``SPLIT`` apart: the higher are l, the lower I. Nothing for bars at one height."""
    if len(bars) < 2:
        return ()
    tops = sorted(top for _, top in bars)
    gap, at = max((b - a, k) for k, (a, b) in enumerate(zip(tops, tops[1:], strict=False)))
    high, low = tops[: at + 1], tops[at + 1 :]
    if not SPLIT * cap <= gap <= MAX_GAP * cap or high[-1] - high[0] > SAME * cap or low[-1] - low[0] > SAME * cap:
        return ()
    return tuple((i, "l" if top <= high[-1] else "I") for i, top in bars)


def respelt(words: tuple[tuple[str, float], ...], symbols, letters: tuple[tuple[int, str], ...]):
    """``words`` ((text, confidence)) with the given symbols' letters changed, in words that still
    spell one character per symbol (an accent put back keeps it so; a letter made of two does not)."""

    def bar(spelt: list[str], position: int, letter: str) -> str | None:
        # a one among the digits that end the word: a bar, or a footed one read as L (see ``flagged_ones``)
        if letter == "I" and spelt[position] in BARS | {"L"} and _among_digits(spelt, position):
            return "1"
        if letter == "1" and spelt[position] in ("l", "I"):
            return "1"  # a flagged bar ending a word (see ``flagged_ones``)
        if spelt[position] in BARS and not (letter == "l" and spelt[position] == "i"):
            return letter
        if spelt[position] == "1" and letter in ("I", "l"):
            return letter  # a plain bar between letters read as a one (see ``_plain_ones_among_letters``)
        return None

    return _changed(words, symbols, letters, bar)


def recased(words: tuple[tuple[str, float], ...], symbols, letters: tuple[tuple[int, str], ...]):
    """``words`` with the case of the given symbols' letters as told by ``case_by_height`` (accents
    put back since the symbols were read are kept: "Ç" made "ç")."""

    def case(spelt: list[str], position: int, letter: str) -> str | None:
        if spelt[position] == "0" and letter == "o":
            return "o"
        if _bare(spelt[position]).lower() != letter.lower():
            return None
        return spelt[position].lower() if letter.islower() else spelt[position].upper()

    return _changed(words, symbols, letters, case)


def _changed(words, symbols, letters, change) -> tuple[tuple[str, float], ...]:
    if not letters:
        return words
    spelt = [list(unicodedata.normalize("NFC", w)) for w, _ in words]
    at: dict[int, list[int]] = {}
    for i, (_, _, word) in enumerate(symbols):
        at.setdefault(word, []).append(i)
    for i, letter in letters:
        word = symbols[i][2]
        if word >= len(spelt) or len(at[word]) != len(spelt[word]):
            continue
        position = at[word].index(i)
        new = change(spelt[word], position, letter)
        if new is not None:
            spelt[word][position] = new
    return tuple(("".join(s), c) for s, (_, c) in zip(spelt, words, strict=True))


def _among_digits(word: list[str], position: int) -> bool:
    """Whether the bar at ``position`` is in a run of bars and digits that holds a digit and ends the
    word ("Zuroqua115" read as "Zuroquall5"): a bar as tall as a capital there is a one."""
    end = position
    while end + 1 < len(word) and (word[end + 1].isdigit() or word[end + 1] in "Il"):
        end += 1
    start = position
    while start > 0 and (word[start - 1].isdigit() or word[start - 1] in "Il"):
        start -= 1
    run = word[start : end + 1]
    return end == len(word) - 1 and any(ch.isdigit() for ch in run)


ONE_SHAPE = set("cosvwxzCOSVWXZ")  # letters whose capital is their small letter made bigger
X_HEIGHT = set("aemnru")  # tops at the x-height line


def case_by_height(prepared: np.ndarray, symbols) -> tuple[tuple[int, str], ...]:
    """Capital or small for each letter whose two cases differ only in size ("BUBBLEs" read as
    "BUBBLES", "Açli" as "ACli"), from its top against the line's capitals and x-height letters:
    (symbol index, letter) where the case read was wrong; also an o read as a zero in a word with
    letters, a zero being a capital's height. A line with neither ruler decides nothing."""
    worded = {w for text, _, w in symbols if text.isalpha()}
    # a zero in a word with letters may be an o read as one ("íose781" read "í0se781")
    letters = [i for i, (text, _, w) in enumerate(symbols) if _bare(text) in ONE_SHAPE or (text == "0" and w in worded)]
    if not letters:
        return ()
    found = marks.components(prepared)
    if found is None:
        return ()
    pairs, by_order = marks.letter_pairs(symbols, found)
    if not by_order:
        # letters paired with blobs by drifting symbol boxes, a top may be a neighbour's: only the pairs
        # whose box and blob span the same columns, no other letter's box half on the blob, count ("[wDT]"
        # with its T and "]" one blob; not "Rose" with the box of its o over the blob of "Ro")
        pairs = [(s, i) for s, i in pairs if _alone_on(symbols, s, found[1][i])]
    tops = letter_tops(prepared, symbols, found, pairs)
    _, _, _, baseline, _ = found

    # a small letter with its mark joined to it reaches over the x-height: no ruler for it ("Vielåi", the
    # å's ring on its bowl, made the V small; seed 28005)
    risen = {j for j, (text, box, _) in enumerate(symbols) if text.islower() and marks.with_joined_mark(found, box)}

    def level(kind: set[str], but: int) -> float | None:
        measured = [
            baseline - t[0]
            for j, ((text, _, _), t) in enumerate(zip(symbols, tops, strict=True))
            if j != but and _bare(text) in kind and t is not None and not (j in risen and kind is small_kind)
        ]
        return float(np.median(measured)) if measured else None

    # the other letters of one shape count too, as the case they were read in, but not one read in both
    # cases on the line ("IXix" with its two x as tall): those two readings are no ruler for each other
    read = {_bare(text) for text, _, _ in symbols}
    one_shape = {ch for ch in ONE_SHAPE if ch.lower() not in read or ch.upper() not in read}
    capital_kind = CAPITALS - ONE_SHAPE | ASCENDERS | {ch for ch in one_shape if ch.isupper()}
    small_kind = X_HEIGHT | {ch for ch in one_shape if ch.islower()}
    changed = []
    for i in letters:
        if tops[i] is None:
            continue
        height = baseline - tops[i][0]
        caps, small = level(capital_kind, i), level(small_kind, i)
        only_smaller = False
        if caps is None and small is None:
            # no ruler but bars: a capital I's or an l's top and a dotted i's stem top; a bar alone may
            # be an i that lost its dot, as low as the letter: it only tells a letter lower than itself
            caps, small = level(set("Il"), i), level({"i"}, i)
            if caps is None:
                continue
            only_smaller = small is None
        if caps is not None and small is not None:
            if caps < 1.15 * small:
                continue  # no two lines to tell apart: misread rulers
            is_small = height < (caps + small) / 2
            if not by_order and abs(height - (caps + small) / 2) < 0.25 * (caps - small):
                continue  # paired by columns alone: only a letter plainly on one line is told
        elif caps is not None:
            is_small = height < 0.85 * caps if height < 0.8 * caps or height > 0.9 * caps else None
        else:
            is_small = height < 1.15 * small if height < 1.1 * small or height > 1.2 * small else None
        text = symbols[i][0]
        if text == "0":
            if is_small:
                changed.append((i, "o"))  # a zero stands as tall as a capital
            continue
        if is_small is None or is_small == text.islower() or only_smaller and not is_small:
            continue
        changed.append((i, text.lower() if is_small else text.upper()))
    return tuple(changed)


def _alone_on(symbols, index: int, blob: np.ndarray) -> bool:
    """Whether symbol ``index``'s box and a blob's stats share 0.8 of the wider's columns, and no other
    symbol's box lies half on the blob or more."""
    box = symbols[index][1]
    if marks.shared_columns(box, blob) < 0.8 * max(box[2] - box[0], int(blob[2]), 1):
        return False
    return all(
        marks.shared_columns(other, blob) < 0.5 * max(other[2] - other[0], 1)
        for j, (_, other, _) in enumerate(symbols)
        if j != index
    )


def _bare(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
