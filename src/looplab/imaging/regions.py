"""Candidate text regions (words and short lines) in a screenshot, with no coordinates given.

Pure functions on ``uint8`` grayscale arrays ``(H, W)``. Characters are found as connected
components of the thresholded morphological gradient, which works for dark-on-light and
light-on-dark text alike; characters are then chained into words and phrases when they share a
baseline band and the gap between them is small *relative to their own height*, so nothing
depends on the screenshot's resolution.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    w: int
    h: int
    char_h: int = 0  # median height of the characters inside (0: unknown, use h)

    @property
    def x2(self) -> int:
        return self.x + self.w

    @property
    def y2(self) -> int:
        return self.y + self.h

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    def pad(self, px: int, shape: tuple[int, ...], py: int | None = None) -> Box:
        py = px if py is None else py
        x, y = max(0, self.x - px), max(0, self.y - py)
        return Box(x, y, min(shape[1], self.x2 + px) - x, min(shape[0], self.y2 + py) - y, self.char_h)


def to_gray(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return image
    return cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)


def edge_mask(image: np.ndarray, min_contrast: int = 28) -> np.ndarray:
    """Pixels on strong local edges: the outlines of characters, whatever their polarity.

    The gradient is taken on the channel-wise maximum of the colour gradients when a colour image is
    given, so that coloured text on a coloured card of the same brightness is still seen.
    """
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
    gradient = cv2.morphologyEx(image, cv2.MORPH_GRADIENT, kernel)
    if gradient.ndim == 3:
        gradient = cv2.max(cv2.max(gradient[:, :, 0], gradient[:, :, 1]), gradient[:, :, 2])
    otsu, _ = cv2.threshold(gradient, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return (gradient >= max(min_contrast, 0.6 * otsu)).astype(np.uint8)


def character_boxes(
    mask: np.ndarray, min_height: int = 7, max_height: int | None = None, *, with_specks: bool = False
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Boxes ``(x, y, w, h)`` of connected components that could be characters (or glued runs of them);
    with ``with_specks``, also the boxes of the components under ``min_height`` (accents, dots)."""
    height, width = mask.shape
    max_height = max_height or max(40, width // 13)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    stats = _split_stacked_lines(labels, stats, min_height)
    stats = _text_beside_tall_shapes(labels, stats, min_height, max_height)[1:]
    x, y, w, h, area = (stats[:, i] for i in range(5))
    keep = (h >= min_height) & (h <= max_height) & (w <= width * 0.6) & (area >= 0.08 * w * h)
    keep &= ~((h < 12) & (w > 12 * h))  # thin rules and separators
    if not with_specks:
        return stats[keep, :4].astype(np.int32)
    specks = (h >= 2) & (h < min_height) & (w <= 12 * h)  # dots, accents, underscores
    return stats[keep, :4].astype(np.int32), stats[specks, :4].astype(np.int32)


def _split_stacked_lines(
    labels: np.ndarray, stats: np.ndarray, min_height: int, waist: float = 0.4, sharp: float = 2.5
) -> np.ndarray:
    """``stats`` with each component that is two lines of text touching (small text set close, its
    outlines run together) split in two where it is thinnest: a wide component with a row holding far
    less of it than the rows of the parts above and below and than the rows a little way off it on
    either side, each part at least ``min_height`` tall."""
    out = [stats]
    for i in np.flatnonzero((stats[:, 3] >= 2 * min_height + 1) & (stats[:, 2] >= 1.5 * stats[:, 3])):
        if i == 0:
            continue  # the background
        x, y, w, h = (int(v) for v in stats[i, :4])
        if _beside_a_character_as_tall(stats, i):
            continue  # characters run together on one line ("2,550" in a bold font, its 55 one blob)
        own = labels[y : y + h, x : x + w] == i
        profile = own.sum(axis=1)
        low, high = max(min_height, int(0.3 * h)), min(h - min_height, int(0.7 * h))
        if low >= high:
            continue
        cut = low + int(np.argmin(profile[low:high]))
        thin = float(profile[cut])
        if thin > waist * min(np.median(profile[:cut]), np.median(profile[cut + 1 :])):
            continue
        # a sharp dip between two dense bands, not the long thin sides of an outline (a ring, a frame)
        d = max(2, h // 12)
        if (
            min(profile[max(0, cut - 2 * d) : cut - d + 1].max(), profile[cut + d : cut + 2 * d + 1].max())
            < sharp * thin
        ):
            continue
        parts = []
        for part, top in ((own[:cut], y), (own[cut + 1 :], y + cut + 1)):
            rows, cols = np.flatnonzero(part.any(axis=1)), np.flatnonzero(part.any(axis=0))
            px, py = x + int(cols[0]), top + int(rows[0])
            pw, ph = int(cols[-1] - cols[0]) + 1, int(rows[-1] - rows[0]) + 1
            parts.append(np.array([[px, py, pw, ph, int(part.sum())]], dtype=stats.dtype))
        heights = sorted(int(part[0, 3]) for part in parts)
        if heights[0] < 0.55 * heights[1]:
            continue  # no two lines of one size: serif 5s whose flat tops ran together over their bowls
        stats[i, 3] = 0  # dropped below (too short); the two parts are added instead
        out += parts
    return np.concatenate(out)


def _text_beside_tall_shapes(labels: np.ndarray, stats: np.ndarray, min_height: int, max_height: int) -> np.ndarray:
    """``stats`` and, for each component too tall to be characters, the runs of its columns that hold
    characters: text whose outline touches a shape several times its height (a number run into the
    round button a screenshot tool floats over the screen, a name between two long hanging ornaments)
    would otherwise be lost with the shape. A run is a stretch of columns whose ink spans at most
    ``max_height`` and under half the shape's height, at least half as wide as its ink is tall (one
    character), its tops and feet not sloping all one way."""
    out = [stats]
    for i in np.flatnonzero(stats[:, 3] > max_height):
        if i == 0:
            continue  # the background
        x, y, w, h = (int(v) for v in stats[i, :4])
        own = labels[y : y + h, x : x + w] == i
        inked = own.any(axis=0)
        tops = np.where(inked, own.argmax(axis=0), h)
        feet = np.where(inked, h - 1 - own[::-1].argmax(axis=0), -1)
        spans = feet - tops + 1
        short = inked & (spans <= min(max_height, 0.45 * h))
        edges = np.flatnonzero(np.diff(np.concatenate([[0], short.astype(np.int8), [0]])))
        for start, stop in zip(edges[::2], edges[1::2], strict=True):
            # the columns where the text meets the shape span more than the characters' (a circle's edge)
            usual = float(np.median(spans[start:stop]))
            while stop - start > 1 and spans[start] > 1.3 * usual:
                start += 1
            while stop - start > 1 and spans[stop - 1] > 1.3 * usual:
                stop -= 1
            top, foot = int(tops[start:stop].min()), int(feet[start:stop].max())
            height = foot - top + 1
            if height < min_height or height > max_height or stop - start < 0.5 * height:
                continue
            if _sloping(tops[start:stop]) or _sloping(feet[start:stop]):
                continue  # the side of a round shape, its chords growing towards its middle (an avatar's
                # rim beside a rank, seed 29018); characters' tops and feet rise and fall along a line
            part = own[top : foot + 1, start:stop]
            out.append(np.array([[x + start, y + top, stop - start, height, int(part.sum())]], dtype=stats.dtype))
    return np.concatenate(out)


def _sloping(ends: np.ndarray) -> bool:
    """Whether the tops (or feet) of a run of columns climb or fall steadily from one end to the other."""
    if len(ends) < 3 or np.ptp(ends) == 0:
        return False
    return abs(float(np.corrcoef(np.arange(len(ends)), ends)[0, 1])) >= 0.8


def _beside_a_character_as_tall(stats: np.ndarray, i: int) -> bool:
    """Whether component ``i`` has a character-shaped neighbour (narrower than tall, not a sliver) as
    tall as itself, its top and foot level with its own, less than its height away: the component is
    one line of characters run together, however thin the waist of a 5 or an S makes it somewhere;
    two lines of text touching are twice the height of the characters beside them."""
    x, y, w, h = (int(v) for v in stats[i, :4])
    xs, ys, ws, hs = (stats[1:, k].astype(np.int64) for k in range(4))
    level = max(2, 0.08 * h)
    gap = np.maximum(xs - (x + w), x - (xs + ws))
    near = (np.abs(ys - y) <= level) & (np.abs(ys + hs - (y + h)) <= level) & (gap <= h) & (gap >= 0)
    shaped = (ws <= hs) & (ws >= 0.3 * hs)
    near[i - 1] = False
    return bool((near & shaped).any())


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def chain_characters(
    boxes: np.ndarray,
    *,
    gap: float = 1.0,
    height_ratio: float = 2.2,
    min_overlap: float = 0.55,
    split_tall: bool = True,
    enclosures: np.ndarray | None = None,
) -> list[Box]:
    """Group character boxes into words/phrases: same band, similar height, gap < ``gap`` x height.

    A group much taller than its characters (text chained through the shapes of a picture beside
    it) is chained again from its character-sized members only, with stricter rules. With
    ``enclosures`` (one id per box, see ``enclosing_pictures``), boxes in different pictures never chain.
    """
    n = len(boxes)
    if n == 0:
        return []
    order = np.argsort(boxes[:, 0], kind="stable")
    b = boxes[order]
    inside = np.zeros(n, dtype=np.int64) if enclosures is None else np.asarray(enclosures)[order]
    x1, y1, w, h = b[:, 0], b[:, 1], b[:, 2], b[:, 3]
    x2, y2 = x1 + w, y1 + h
    uf = _UnionFind(n)
    reach = x2 + gap * np.maximum(h, 1) * height_ratio
    ends = np.searchsorted(x1, reach, side="right").tolist()
    # plain lists: this double loop is the hot part of region finding, and numpy scalars are slow
    lx1, ly1, lw, lh, lx2, ly2, lin = (a.tolist() for a in (x1, y1, w, h, x2, y2, inside))
    for i in range(n):
        for j in range(i + 1, ends[i]):
            overlap = min(ly2[i], ly2[j]) - max(ly1[i], ly1[j])
            hi, hj = lh[i], lh[j]
            if overlap < min_overlap * min(hi, hj):
                continue
            rise, drop = ly1[j] - ly1[i], ly2[j] - ly2[i]
            if rise * drop > 0 and min(abs(rise), abs(drop)) > 0.4 * min(hi, hj) and min(hi, hj) >= 0.75 * max(hi, hj):
                continue  # two shapes of a size, tops and feet apart the same way by 0.4 of a height each: not
                # of one line (a p beside a capital shares no top; a comma is smaller); a photo's piece
                # beside the icon before a number, lower than it (a real roster screen)
            if max(hi, hj) > height_ratio * min(hi, hj) or lin[i] != lin[j]:
                continue
            wi, wj = lw[i], lw[j]
            space = lx1[j] - lx2[i]
            if space > gap * max(hi, hj):
                continue
            thin_tall = (hi > 1.6 * hj and wi <= 0.15 * hi) or (hj > 1.6 * hi and wj <= 0.15 * hj)
            # a hairline half as tall again as its neighbour: the broken-off rim of an avatar beside a
            # crown (seed 22770, 4x44 px by 29x28); an l's outline is wider than a tenth of its height
            thin_tall |= (hi > 1.5 * hj and wi <= 0.1 * hi) or (hj > 1.5 * hi and wj <= 0.1 * hj)
            if thin_tall:
                continue  # a card's edge or a rule beside a character: an l is never that tall
            if max(hi, hj) >= 1.5 * min(hi, hj) and space > min(hi, hj):
                continue  # a shape half as tall again as its neighbour, further off than the smaller's
                # height: no space in a line of text is that wide ("[SPS]Viletan" and a card's corner)
            hairline = wi <= 0.1 * hi or wj <= 0.1 * hj
            if hairline and space > 0.6 * max(hi, hj):
                continue  # a card's edge as tall as the rank beside it: an l's outline is wider, a space narrower
            if max(hi, hj) >= 1.8 * min(hi, hj):
                (ts, bs, ws), (tt, bt, _) = sorted(
                    ((ly1[i], ly2[i], wi), (ly1[j], ly2[j], wj)), key=lambda s: s[1] - s[0]
                )
                if ws >= bs - ts and max(tt - ts, bs - bt) > 0.3 * (bs - ts):
                    continue  # a shape twice as tall as a word beside it that does not span it: an avatar's
                    # rim beside the number under the name (seed 23914); a tall character spans a small one,
                    # and a comma, narrow, hangs under the digits (seed 24227)
            slender = wi <= 0.16 * hi or wj <= 0.16 * hj
            if slender and space > 0.7 * min(hi, hj):
                continue  # an avatar's rim, a sliver of a circle, a rank's width or more off the rank (seeds
                # 23544, 23826): a word's space before an l or an I is narrower than its letters' height
            if hi < hj / 1.5 and wj <= 1.2 * hj and space > 0.75 * gap * hi:
                continue  # a rank digit left of a picture (an avatar): far apart for the digit's size
            if hj >= 2 * hi and wj >= 0.6 * hj and space > 0.5 * hi:
                continue  # a rank digit left of a picture twice its height (no letter is: a j with its dot
                # is 1.8 times an x's height, and narrow)
            if hi > 1.2 * hj and 0.6 * hi <= wi <= 1.6 * hi and space > 0.4 * hj:
                continue  # a picture (an avatar, an icon) left of text, a word's space or more away
            if hi >= 1.5 * hj and 0.6 * hi <= wi <= 1.6 * hi and abs(ly2[j] - ly2[i]) > 0.15 * hj and space > 0.2 * hj:
                continue  # a picture much taller than the shape beside it, their feet apart: no letter on its line
            uf.union(i, j)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(uf.find(i), []).append(i)
    out = []

    def sizes(m: np.ndarray) -> tuple[int, int]:  # a group's character height and box height
        return (int(np.median(h[m])) if len(m) > 2 else int(h[m].max())), int(y2[m].max()) - int(y1[m].min())

    for members in groups.values():
        m = np.array(members)
        char_h, box_h = sizes(m)
        hairline = w[m] <= 0.1 * h[m]
        worded = (w[m] >= 1.5 * h[m]).any()
        if split_tall and box_h >= 2.0 * char_h and hairline.any() and (~hairline).sum() >= 2 and worded:
            # a word tall only for an avatar's rim chained to it ("LadyStorm" whose first letters run
            # together as one blob, seed 24489): the rest is the word, the hairline nothing; split by size,
            # the blob, taller than the letters for its y's tail, would part from them
            rest_char_h, rest_box_h = sizes(m[~hairline])
            if rest_box_h < 2.0 * rest_char_h:
                m, char_h, box_h = m[~hairline], rest_char_h, rest_box_h
        gx1, gy1 = int(x1[m].min()), int(y1[m].min())
        if split_tall and len(m) >= 3 and box_h >= 2.0 * char_h:
            # a word-shaped blob (small digits run together, JPEG specks making it taller) stays a word, and
            # so does one three times as wide as tall whatever the sizes beside it: a bold name run together
            # beside an icon of five small pieces, which made the median ("Akqua414", seed 24413)
            glued = (w[m] >= 1.5 * h[m]) & (h[m] <= 2.5 * char_h) | (w[m] >= 3 * h[m])
            sized = m[(h[m] >= 0.6 * char_h) & (h[m] <= 1.6 * char_h) | glued]
            out += chain_characters(
                b[sized], gap=gap, height_ratio=1.6, min_overlap=0.7, split_tall=False, enclosures=inside[sized]
            )
            continue
        out.append(Box(gx1, gy1, int(x2[m].max()) - gx1, box_h, char_h))
    return out


def enclosing_pictures(mask: np.ndarray, boxes: np.ndarray, *, taller: float = 1.8) -> np.ndarray:
    """For each box, the label of the smallest picture-sized outline around it (0: none).

    A shape drawn inside an avatar or a badge (a square, an L) is no letter of the rank or the name
    beside the picture, though it may be of their size and as near as a word's space. A picture is a
    component at least ``taller`` times the box's height, about as wide as tall or up to three times
    wider (no glyph, whose counter it would enclose: a "0" is 0.6 as wide as tall; no card, no rule),
    with its pixels on all four sides of the box. It has no upper limit: two cards whose outlines a
    speck joined make one picture, and the words of a line in it must all be inside it, whatever
    their size ("67" left out of it was cut from ",749,988 points").
    """
    out = np.zeros(len(boxes), dtype=np.int64)
    if not len(boxes):
        return out
    _, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    px, py, pw, ph = (stats[1:, i] for i in range(4))
    pictures = np.flatnonzero((ph >= taller * boxes[:, 3].min()) & (pw >= 0.85 * ph) & (pw <= 3 * ph)) + 1
    if not len(pictures):
        return out
    for k, (x, y, w, h) in enumerate(boxes):
        around = pictures[
            (px[pictures - 1] < x)
            & (py[pictures - 1] < y)
            & (px[pictures - 1] + pw[pictures - 1] > x + w)
            & (py[pictures - 1] + ph[pictures - 1] > y + h)
            & (ph[pictures - 1] >= taller * h)
        ]
        for label in sorted(around, key=lambda c: stats[c, 2] * stats[c, 3]):
            cx, cy, cw, ch = stats[label, :4]
            rows = labels[y : y + h, cx : cx + cw] == label
            cols = labels[cy : cy + ch, x : x + w] == label
            left, right = rows[:, : x - cx].any(), rows[:, x + w - cx :].any()
            above, below = cols[: y - cy].any(), cols[y + h - cy :].any()
            if left and right and above and below:
                out[k] = label
                break
    return out


def without_edge_rules(mask: np.ndarray, share: float = 0.15) -> np.ndarray:
    """``mask`` less the horizontal runs a quarter of its width long or longer in its top and bottom
    ``share``: the edge of a header or footer, or of a card, that a list scrolls under, which joins into
    one component with the letters of a row cut there and hides them ("[EBP] Mormivi" read "ormivi",
    seed 22915; "0.1M" lost under the last card's cut edge, seed 23818). No line of text has an unbroken
    edge that long. In between, such rules part rows and cards and are kept (taking them out everywhere
    lost members on a real screen)."""
    band = int(share * mask.shape[0])
    length = max(mask.shape[1] // 4, 40)
    if band < 1 or mask.shape[1] < length:
        return mask
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1))
    out = mask
    for rows in (slice(0, band), slice(mask.shape[0] - band, mask.shape[0])):
        rules = cv2.morphologyEx(mask[rows], cv2.MORPH_OPEN, kernel)
        if rules.any():
            out = out.copy() if out is mask else out
            out[rows][rules > 0] = 0
    return out


def find_text_regions(image: np.ndarray, *, min_height: int = 7) -> list[Box]:
    """Candidate text regions (words or phrases on one line), top to bottom then left to right."""
    mask = without_edge_rules(edge_mask(image))
    boxes, specks = character_boxes(mask, min_height=min_height, with_specks=True)
    chained = chain_characters(boxes, enclosures=enclosing_pictures(mask, boxes))
    regions = [r for r in chained if r.h >= min_height + 2 and r.w >= 0.4 * r.h]
    loose = _outside_words(np.concatenate([boxes, specks]), regions)
    regions = _drop_nested(_joined_by_underscores([_with_accents(r, loose) for r in regions], loose))
    regions = [_with_underscore_below(r, specks) for r in regions]
    return sorted(regions, key=lambda r: (round(r.cy / max(r.h, 1)), r.x))


def _outside_words(boxes: np.ndarray, regions: list[Box]) -> np.ndarray:
    """The boxes that lie in no word-shaped region (wider than tall) and hang from none (a Q's tail
    left out of its word's box): shapes that may be accents. A region that is one shape alone is no
    word: a large tilde is wide enough to make a region of its own ("ñezuzu")."""
    if not len(boxes):
        return boxes
    x, y, w, h = boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3]
    inside = np.zeros(len(boxes), dtype=bool)
    for r in regions:
        if r.w >= 1.5 * r.h:
            hanging = y <= r.y2 + 0.25 * (r.char_h or r.h)
            itself = (x == r.x) & (y == r.y) & (w == r.w) & (h == r.h)
            inside |= (x >= r.x) & (y >= r.y) & (x + w <= r.x2) & hanging & ~itself
    return boxes[~inside]


def _joined_by_underscores(regions: list[Box], boxes: np.ndarray) -> list[Box]:
    """Words on one line with an underscore between them made one region ("Akzu_Quéfinvi227"): the
    underscore, a flat stroke at the words' foot, is no character and chains nothing."""
    if not len(boxes):
        return regions
    x, y, w, h = boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3]
    out = sorted(regions, key=lambda r: r.x)
    joined = True
    while joined:
        joined = False
        for i, a in enumerate(out):
            for j, b in enumerate(out):
                ch = max(a.char_h, b.char_h)
                if j == i or not ch or not 0 <= b.x - a.x2 <= 1.2 * ch:
                    continue
                if min(a.y2, b.y2) - max(a.y, b.y) < 0.5 * min(a.h, b.h):
                    continue
                if max(a.h, b.h) > 1.4 * min(a.h, b.h) or min(a.w / a.h, b.w / b.h) < 1.0:
                    continue  # words of one size, not an avatar, a badge or a rank beside a word
                foot = min(a.y2, b.y2)
                flat = (
                    (h <= 0.3 * ch)
                    & (w >= 2 * h)
                    & (w >= 0.4 * ch)
                    & (x <= a.x2 + 0.3 * ch)
                    & (x + w >= b.x - 0.3 * ch)
                    & (y >= foot - 0.35 * ch)
                    & (y <= foot + 0.25 * ch)
                )
                if flat.any():
                    top, bottom = min(a.y, b.y), max(a.y2, b.y2)
                    merged = Box(a.x, top, max(a.x2, b.x2) - a.x, bottom - top, ch)
                    out = [r for k, r in enumerate(out) if k not in (i, j)] + [merged]
                    joined = True
                    break
            if joined:
                break
    return out


def _with_underscore_below(region: Box, specks: np.ndarray) -> Box:
    """``region`` grown downwards over an underscore between its letters that hangs below their foot
    (in a serif font: "Teran_Rose", seed 25525): left out, the crop read cut it off and read a space. Not
    over a dash of a broken rule: flat specks on the same rows outside the words."""
    ch = region.char_h
    if not ch or not len(specks) or region.w < 1.8 * ch:
        return region
    x, y, w, h = specks[:, 0], specks[:, 1], specks[:, 2], specks[:, 3]
    flat = (h <= 0.3 * ch) & (w >= 2 * h)
    below = (
        flat
        & (w >= 0.4 * ch)
        & (w <= 1.5 * ch)
        & (x >= region.x + 0.3 * ch)
        & (x + w <= region.x2 + 0.3 * ch)
        & (y + h > region.y2)
        & (y <= region.y2 + 0.35 * ch)
    )
    if not below.any():
        return region
    # a dash of a broken rule under the row (seed 25967) has others beside it, outside the words
    rows = (y[:, None] <= (y + h)[below][None, :]) & ((y + h)[:, None] >= y[below][None, :])
    outside = (x + w < region.x - ch) | (x > region.x2 + ch)
    if (rows.any(axis=1) & outside & flat).any():
        return region
    return Box(region.x, region.y, region.w, int((y + h)[below].max()) - region.y, ch)


def _with_accents(region: Box, boxes: np.ndarray) -> Box:
    """``region`` grown upwards over accent-sized shapes just above its letters: the ring of an å or
    the tilde of an ñ over a word with no tall letter ("åiqua") lies above the word's box, apart."""
    if not region.char_h or not len(boxes) or region.w < 1.8 * region.char_h:
        return region  # no word: an icon, a badge
    x, y, w, h = boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3]
    ch = region.char_h
    above = (
        (x >= region.x - 2)
        & (x + w <= region.x2 + 2)
        & (h <= 0.5 * ch)
        & (w <= 0.9 * ch)
        & (w >= 0.5 * h)  # dots, rings, tildes and slanted strokes; no upright sliver (an edge)
        & (y + h <= region.y + 0.3 * ch)
        & (y + h >= region.y - 0.3 * ch)
        & (y >= region.y - 0.7 * ch)
    )
    if not above.any():
        return region
    top = int(y[above].min())
    if top >= region.y:
        return region
    return Box(region.x, top, region.w, region.y2 - top, region.char_h)


def _drop_nested(regions: list[Box]) -> list[Box]:
    """Remove regions lying inside a larger one (e.g. details inside a glued icon), or hanging from its
    foot at most half as tall (a comma's tail below a number's digits)."""
    regions = sorted(regions, key=lambda r: -r.w * r.h)
    kept: list[Box] = []
    for r in regions:
        # a line of characters (wide) inside one shape 2.5 times their height is no detail of an icon:
        # the outline a card's broken frame left around a name (the last card of a real ranking screen)
        worded = r.w >= 3 * r.h
        if any(
            k.x <= r.x and k.y <= r.y and k.x2 >= r.x2 and k.y2 >= r.y2 and not (worded and k.char_h >= 2.5 * r.h)
            for k in kept
        ):
            continue
        if any(
            k.x <= r.x and r.x2 <= k.x2 and k.y <= r.y < k.y2 < r.y2 <= k.y2 + 0.5 * r.h and r.h <= 0.5 * k.h
            for k in kept
        ):
            continue
        kept.append(r)
    return kept


def parts_at_widest_gap(gray: np.ndarray, region: Box, *, least: float = 0.5) -> list[Box]:
    """``region``'s two parts either side of its widest run of columns without edges, each trimmed to
    its own edges; none where no run is ``least`` of its character height wide. A picture's piece chains
    to the icon and the number beside it (a roster card's photo, its frame broken where the photo is as
    light as it); the number stands apart from the picture by more than a word's space."""
    crop = gray[region.y : region.y2, region.x : region.x2]
    if crop.size == 0:
        return []
    mask = edge_mask(crop)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    heights, widths = stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_WIDTH]
    # neither a speck of the background nor a hairline (a card's edge, a rule) is a part
    stray = np.flatnonzero((heights < 0.3 * (region.char_h or region.h)) | (widths <= 0.1 * heights))
    mask = np.where(np.isin(labels, stray), 0, mask)
    inked = np.flatnonzero(mask.any(axis=0))
    if len(inked) < 2:
        return []
    gaps = np.diff(inked)
    widest = int(np.argmax(gaps))
    if gaps[widest] - 1 < least * (region.char_h or region.h):
        return []
    parts = []
    for x1, x2 in ((inked[0], inked[widest] + 1), (inked[widest + 1], inked[-1] + 1)):
        rows = np.flatnonzero(mask[:, x1:x2].any(axis=1))
        bands = np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1)
        band = max(bands, key=len)  # the line's own rows: not the tops of the icons under it
        y1, y2 = int(band[0]), int(band[-1]) + 1
        parts.append(Box(region.x + int(x1), region.y + y1, int(x2 - x1), y2 - y1, min(region.char_h, y2 - y1)))
    return parts
