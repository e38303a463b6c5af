"""From read text items to member rows, using only the layout.

A member's block starts with its name; numbers belong to the nearest name line at or above them
(a number may sit on the name's line, under it, or to the right of a two- or three-line block).
Same-line names far apart are separate columns (two-column card layouts).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from looplab.alliance.names import TAG, clean_read, fix_tag, fold
from looplab.imaging.regions import Box


@dataclass
class TextItem:
    box: Box
    kind: str  # "name", "number" or "label" (UI text that is neither: "hour(s) ago")
    text: str
    confidence: float
    value: int | None = None  # numbers only; None when unreadable
    # names only: the text with its I/l bars told apart by height if the screen's font shows them apart
    # (see ``stems``), and the cap-to-ascender gaps measured on this line
    if_bars_apart: str | None = None
    bar_gaps: tuple[float, ...] = ()
    pictured: float = 0.0  # how likely the region classifier found its crop a picture (icon, avatar)


@dataclass
class RowGroup:
    name: TextItem
    numbers: list[TextItem] = field(default_factory=list)


def _same_line(a: Box, b: Box, overlap: float = 0.5) -> bool:
    return min(a.y2, b.y2) - max(a.y, b.y) >= overlap * min(a.h, b.h)


def _just_left_of(a: Box, b: Box, reach: float) -> bool:
    """``a`` ends on ``b``'s line at most ``reach`` before ``b`` starts."""
    return _same_line(a, b) and 0 <= b.x - a.x2 <= reach


def merge_name_pieces(names: list[TextItem]) -> list[TextItem]:
    """Join name pieces on one line split by a wide space (``[K178]`` + ``Spider Friend``)."""
    names = sorted(names, key=lambda n: (n.box.y, n.box.x))
    merged: list[TextItem] = []
    for item in sorted(names, key=lambda n: n.box.x):
        for i, prev in enumerate(merged):
            gap = item.box.x - prev.box.x2
            if _same_line(prev.box, item.box) and -0.2 * item.box.h <= gap <= 1.6 * max(prev.box.h, item.box.h):
                if TAG.match(item.text) and prev.confidence < 80:
                    merged[i] = item  # a tag starts a name: an unsure piece before it is an icon's
                    break
                x, y = prev.box.x, min(prev.box.y, item.box.y)
                # the text's size is the smaller piece's: the other may be a tag (brackets reach lower) or
                # have an icon glued to it
                char_h = min(prev.box.char_h or prev.box.h, item.box.char_h or item.box.h)
                box = Box(x, y, item.box.x2 - x, max(prev.box.y2, item.box.y2) - y, char_h)
                conf = min(prev.confidence, item.confidence)
                merged[i] = TextItem(box, "name", fix_tag(clean_read(f"{prev.text} {item.text}")), conf)
                break
        else:
            merged.append(item)
    return sorted(merged, key=lambda n: (n.box.y, n.box.x))


def _without_titles(
    names: list[TextItem], numbers: list[TextItem], ratio: float = 1.3, width: int | None = None
) -> list[TextItem]:
    """Leave out headings above every number: text set larger than the usual name, or a line centred on
    the screen (``width``), whose left edge lines up with no other name (a list's names share one). The
    first row's name is no heading for its size alone: an icon or brackets make its box taller
    ("[HZL]åuxix" with a ring glued to it, seed 22780; "Lady", seed 23069)."""
    if len(names) < 3 or not numbers:
        return names
    # the size of the text itself: a box is taller where an icon is glued to the name
    heights = sorted(n.box.char_h or n.box.h for n in names)
    usual = heights[len(heights) // 2]
    first_number = min(n.box.y for n in numbers)

    def title(n: TextItem) -> bool:
        if n.box.y2 > first_number:
            return False
        aligned = any(abs(o.box.x - n.box.x) <= 0.5 * n.box.h for o in names if o is not n)
        if aligned:
            return False
        centred = width is not None and abs(n.box.cx - width / 2) <= max(0.02 * width, 0.5 * n.box.h)
        return centred or (n.box.char_h or n.box.h) > ratio * usual

    return [n for n in names if not title(n)]


def _without_subtitles(names: list[TextItem], repeats: int = 2) -> list[TextItem]:
    """Leave out a second line set under the names that reads the same in several blocks (the alliance's
    name, "Team Violent VENi", under each member's): a label, not a member, that would take a number
    beside the block. A line counts as under a name when it starts where the name does and its top
    is within half its height of the name's bottom."""

    def under_a_name(n: TextItem) -> bool:
        b = n.box
        return any(
            o is not n
            and abs(o.box.x - b.x) <= 0.5 * b.h
            and -0.3 * b.h <= b.y - o.box.y2 <= 0.5 * b.h
            and o.box.y < b.y
            for o in names
        )

    counts = Counter(fold(n.text) for n in names)
    return [n for n in names if counts[fold(n.text)] < repeats or not under_a_name(n)]


_LABELLED = re.compile(r"\s*([^\W\d_][^:：]{0,30}?)\s*[:：]")


def _without_labels(names: list[TextItem], numbers: list[TextItem], repeats: int = 3) -> list[TextItem]:
    """Leave out a label read apart from its number ("Power" then "769,571" a wide gap further): a name
    just left of a number on its line that reads as the label of a "Power: 3,244" elsewhere on the
    screen, or reads the same before a number in ``repeats`` rows."""
    labels = {fold(m.group(1)) for n in numbers if (m := _LABELLED.match(n.text))}

    def before_a_number(n: TextItem) -> bool:
        return any(_just_left_of(n.box, m.box, 4 * n.box.h) for m in numbers)

    placed = [n for n in names if before_a_number(n)]
    counts = Counter(fold(n.text) for n in placed)
    return [n for n in names if n not in placed or (fold(n.text) not in labels and counts[fold(n.text)] < repeats)]


def _owner(number: TextItem, names: list[TextItem], max_block: float) -> int | None:
    """Index of the name whose block holds ``number``: at or above it, nearest, same column."""
    nb = number.box
    best, best_score = None, float("inf")
    # names without ascenders or descenders ("Iron", "mouse") have shorter boxes than their line's
    typical = float(np.median([n.box.h for n in names])) if names else 0.0
    for i, name in enumerate(names):
        b = name.box
        same_line = _same_line(b, nb, 0.3)
        if b.y > nb.cy + 0.25 * nb.h and not same_line:
            continue  # the name is below the number
        # a box taller than the list's names (a row cut at the top, read with its avatar) reaches no further
        height = min(b.h, typical) if typical else b.h
        if nb.cy - b.cy > max_block * height:
            continue  # too far below the name to be part of its block
        score = max(0.0, nb.cy - b.cy) / height
        if b.x > nb.x2:  # text right of the number: a rank's name, a label ("Join") or another column
            if not same_line and b.x - nb.x2 > 8 * max(b.h, typical):
                continue
            score += 1.5 if same_line else 3.0
        score += 0.1 * abs(b.x - nb.x) / b.h  # same column first (two-column card layouts)
        if score < best_score:
            best, best_score = i, score
    return best


def _written_alike(number: TextItem, others: list[TextItem]) -> bool:
    """Whether ``number`` is written as most of ``others`` are: with the same unit letter (or none), as
    tall, and with about as many digits ("343.1M" among "505.9M"s; not a badge's "4")."""

    def unit(n: TextItem) -> str:
        return n.text.rstrip()[-1:].upper() if n.text.rstrip()[-1:].isalpha() else ""

    digits = float(np.median([sum(ch.isdigit() for ch in n.text) for n in others]))
    units = Counter(unit(n) for n in others).most_common(1)[0][0]
    height = float(np.median([n.box.h for n in others]))
    return (
        unit(number) == units
        and abs(sum(ch.isdigit() for ch in number.text) - digits) <= 2
        and 0.6 * height <= number.box.h <= 1.5 * height
    )


def _told_by_a_label(number: TextItem, labels: list[TextItem]) -> bool:
    """A number a word's space left of a label on its line: the label's ("55" of "55 minute(s) ago")."""
    return any(_just_left_of(number.box, lb.box, max(number.box.h, lb.box.h)) for lb in labels)


def group_rows(items: list[TextItem], *, max_block: float = 3.6, width: int | None = None) -> list[RowGroup]:
    """Member rows top to bottom, each name with its numbers left to right.

    Numbers above the first name (a row cut at the top edge) are left out, and so are names with no
    number at all (titles, headers, labels) when other rows have numbers. ``width``: the screen's, to
    tell a centred title.
    """
    labels = [i for i in items if i.kind == "label"]
    numbers = [i for i in items if i.kind == "number" and not _told_by_a_label(i, labels)]
    names = _without_subtitles(merge_name_pieces([i for i in items if i.kind == "name"]))
    names = _without_labels(names, numbers)
    names = _without_titles(names, numbers, width=width)
    groups = [RowGroup(n) for n in names]
    orphans = []
    for number in numbers:
        owner = _owner(number, names, max_block)
        if owner is not None:
            groups[owner].numbers.append(number)
        else:
            orphans.append(number)
    for g in groups:
        g.numbers.sort(key=lambda n: n.box.x)
    if any(g.numbers for g in groups):
        groups = [g for g in groups if g.numbers]
    groups = _in_reading_order(groups + _nameless_rows(groups, orphans))
    return _without_cut_rows_number(_without_stray_numbers(_without_off_pitch_head(_without_odd_blocks(groups))))


def _without_cut_rows_number(groups: list[RowGroup]) -> list[RowGroup]:
    """The last row less a number a row's pitch under another of its numbers, in the same column, where
    the screen's rows have fewer numbers: the number of a row cut at the list's end, whose name is hidden
    (seed 27736, read with its cut edge taken out of the mask: "Dragon 181,686,608" half under the edge
    gave King938 a second number)."""
    if len(groups) < 4 or len(groups[-1].numbers) <= usual_count(groups):
        return groups
    pitch = _row_pitch(groups)
    if pitch <= 0:
        return groups
    last = groups[-1]
    kept = [
        n
        for n in last.numbers
        if not any(n.box.cy - m.box.cy >= 0.7 * pitch and abs(n.box.x2 - m.box.x2) <= m.box.h for m in last.numbers)
    ]
    return groups if len(kept) == len(last.numbers) else [*groups[:-1], RowGroup(last.name, kept)]


def _in_reading_order(groups: list[RowGroup]) -> list[RowGroup]:
    """Top to bottom, and left to right along a line of names (a grid of members): a name on the line of
    the one before it, a few pixels lower (a nameless row's name box, placed from its number), comes
    after the names left of it."""
    lines: list[list[RowGroup]] = []
    for g in sorted(groups, key=lambda g: (g.name.box.y, g.name.box.x)):
        if lines and _same_line(lines[-1][0].name.box, g.name.box):
            lines[-1].append(g)
        else:
            lines.append([g])
    return [g for line in lines for g in sorted(line, key=lambda g: g.name.box.x)]


def _nameless_rows(groups: list[RowGroup], orphans: list[TextItem]) -> list[RowGroup]:
    """Rows for numbers no name owns that sit where the screen's other rows have a number: the row of a
    member whose name was not read (a name in letters no model knows, found as no text or as an icon).
    Each gets an empty name where its name should be, to be named in review; a member left out would
    be counted absent. Only places among the list's rows and in its names' column count, so a header's
    "18/30" or a section's "6/9" makes no row."""
    if len(groups) < 3 or not orphans:
        return []
    height = float(np.median([g.name.box.h for g in groups]))
    width = float(np.median([g.name.box.w for g in groups]))
    # to each number's middle: a rank centred in its badge keeps its place whether it has one digit or two
    offsets = [_offsets(g, height, to_middle=True) for g in groups]
    lefts = [g.name.box.x for g in groups]
    left = float(np.median(lefts))
    top = min(g.name.box.y for g in groups) - 0.5 * height
    bottom = max(g.name.box.y2 for g in groups) + 2 * height
    rows: list[RowGroup] = []
    for number in orphans:
        if number.value is None or number.confidence < 60:
            continue
        places = []
        for x, y in {o for row in offsets for o in row}:
            slot = [
                n
                for g, row in zip(groups, offsets, strict=True)
                for n, (ox, oy) in zip(g.numbers, row, strict=True)
                if abs(x - ox) <= 0.5 and abs(y - oy) <= 0.4
            ]
            if len(slot) < max(3, len(groups) // 2) or not _written_alike(number, slot):
                continue
            name_x, name_y = number.box.cx - x * height, number.box.cy - y * height - height / 2
            if top <= name_y <= bottom and min(lefts) - height <= name_x <= max(lefts) + height:
                places.append((abs(name_x - left), name_x, name_y))
        if not places:
            continue
        _, name_x, name_y = min(places)  # the place whose name lines up best with the others'
        box = Box(max(int(name_x), 0), int(name_y), int(width), int(height))
        if any(_same_line(box, g.name.box) and abs(g.name.box.x - box.x) < width for g in groups):
            continue  # a name is there: the number is no row's (a badge, a label's)
        same = next((r for r in rows if _same_line(r.name.box, box)), None)
        if same is None:
            rows.append(RowGroup(TextItem(box, "name", "", 0.0), [number]))
        else:
            same.numbers = sorted([*same.numbers, number], key=lambda n: n.box.x)
    return rows


def _offsets(
    g: RowGroup, height: float, *, to_middle: bool = False, to_right: bool = False
) -> list[tuple[float, float]]:
    """Where each number of ``g`` (its left edge, or with ``to_middle`` its middle, with ``to_right`` its
    right edge) sits from the name's left edge and middle, in ``height`` units."""
    b = g.name.box

    def x(n: TextItem) -> float:
        return n.box.cx if to_middle else n.box.x2 if to_right else n.box.x

    return [((x(n) - b.x) / height, (n.box.cy - b.cy) / height) for n in g.numbers]


def _without_stray_numbers(groups: list[RowGroup], *, sure: float = 75.0) -> list[RowGroup]:
    """Leave out of a row with more numbers than the screen's rows have a number read unsurely (or a
    lone small one under ``sure`` + 15, or a digit whose crop looked more a picture than text) where no
    other row has a number: an icon or badge read as a digit ("18" for a badge with ears, "10" for a
    target). A rank has its like in the other rows."""
    if len(groups) < 3:
        return groups
    usual = usual_count(groups)
    height = float(np.median([g.name.box.h for g in groups]))
    offsets = [_offsets(g, height, to_middle=True) for g in groups]

    def unsure(n: TextItem) -> bool:
        # a lone digit the classifier found more picture than text: a shape of an avatar or a crown
        # read as "1", "4" or "9", however surely
        pictured = n.value is not None and n.value < 10 and n.pictured >= 0.5
        return n.value is not None and (n.confidence < sure or (n.value < 100 and n.confidence < sure + 15) or pictured)

    # a place is vouched for by a number that is no unsure extra itself: three badges read as digits
    # ("6", "8", "8" off six rows) do not vouch for each other
    vouching = [
        [place for n, place in zip(g.numbers, offsets[j], strict=True) if len(g.numbers) <= usual or not unsure(n)]
        for j, g in enumerate(groups)
    ]

    def stray(i: int, n: TextItem, place: tuple[float, float]) -> bool:
        alike = any(
            abs(place[0] - ox) <= 1.0 and abs(place[1] - oy) <= 0.6
            for j, other in enumerate(vouching)
            if j != i
            for ox, oy in other
        )
        return unsure(n) and not alike  # an unreadable number (no value) stays, for review

    for i, g in enumerate(groups):
        if len(g.numbers) > usual:
            g.numbers = [n for n, place in zip(g.numbers, offsets[i], strict=True) if not stray(i, n, place)]
    return groups


def _without_odd_blocks(groups: list[RowGroup], *, dy: float = 0.8, dx: float = 4.0) -> list[RowGroup]:
    """Leave out first or last groups none of whose numbers sit where other rows have one: a title or
    a table header above the list that took the numbers of a row cut at the screen's edge."""
    if len(groups) < 4:
        return groups
    heights = sorted(g.name.box.h for g in groups)
    height = heights[len(heights) // 2]
    # numbers line up by their left edges; at the list's end by their right ones too, in a right-aligned
    # column ("23K" under "531,296,100", seed 25133); not at its head, where a header's number at the
    # screen's right edge ("Troop Power 34,695") would line up with such a column
    lefts, rights = [_offsets(g, height) for g in groups], [_offsets(g, height, to_right=True) for g in groups]

    def odd(i: int, last: bool = False) -> bool:
        for offsets in (lefts, rights) if last else (lefts,):
            for x, y in offsets[i]:
                alike = sum(
                    any(abs(x - ox) <= dx and abs(y - oy) <= dy for ox, oy in other)
                    for j, other in enumerate(offsets)
                    if j != i
                )
                if alike >= max(2, (len(groups) - 1) // 3):
                    return False
        return True

    keep = list(range(len(groups)))
    while len(keep) > 3 and odd(keep[0]):
        keep.pop(0)
    while len(keep) > 3 and odd(keep[-1], last=True):
        keep.pop()
    return [groups[i] for i in keep]


def _without_off_pitch_head(groups: list[RowGroup], *, short: float = 0.8) -> list[RowGroup]:
    """Leave out first groups closer to the next than a list's rows are to each other: a header strip
    above the list ("Join 18/30", "Troop Power 34,695") whose labels took its numbers. A list's rows
    follow one another at one pitch; groups side by side on one line (card grids) are not counted."""
    if len(groups) < 5:
        return groups
    steps = _steps(groups)
    pitch = _row_pitch(groups)
    if pitch <= 0:
        return groups
    start = 0
    while len(groups) - start > 4 and 0.5 * groups[start].name.box.h < steps[start] < short * pitch:
        start += 1
    return groups[start:]


def _steps(groups: list[RowGroup]) -> list[float]:
    """How far each group's name lies under the one before it."""
    return [b.name.box.cy - a.name.box.cy for a, b in zip(groups, groups[1:], strict=False)]


def _row_pitch(groups: list[RowGroup]) -> float:
    """The distance from one row of the list to the next (0 where none is measured); groups side by side
    on one line (card grids) are not counted."""
    steps = [d for d, a in zip(_steps(groups), groups, strict=False) if d > 0.5 * a.name.box.h]
    return float(np.median(steps)) if steps else 0.0


def usual_count(groups: list[RowGroup]) -> int:
    """How many numbers a row of this screen usually has (to spot rows cut at an edge)."""
    counts = Counter(len(g.numbers) for g in groups)
    return counts.most_common(1)[0][0] if counts else 0


def row_key(name: str) -> str:
    return fold(name)
