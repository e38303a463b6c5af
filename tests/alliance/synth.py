"""Synthetic alliance screenshots with ground truth, for tests, the benchmark and the default classifier.

Fonts: DejaVu (Debian ``fonts-dejavu-core``) and Liberation (``fonts-liberation``) when installed, else
Pillow's bundled default font. Every screen is drawn from a seed, so a test is reproducible.
"""

from __future__ import annotations

import glob
import io
import random
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

SIZES = [(1080, 2400), (720, 1600), (1080, 2340), (1440, 3200), (1536, 2048), (828, 1792), (600, 1334)]
_FONT_PATTERNS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf",
]
_SYLLABLES = [
    "ka",
    "ro",
    "mi",
    "sha",
    "dow",
    "lux",
    "ter",
    "fin",
    "de",
    "vi",
    "o",
    "let",
    "ak",
    "zu",
    "ne",
    "bra",
    "gon",
    "el",
    "li",
    "an",
    "mor",
    "ra",
    "thu",
    "ix",
    "qua",
    "by",
]
_ACCENTED = "éèáñöüçøåíó"
_WORDS = ["Wolf", "Shadow", "King", "Lady", "Dragon", "Iron", "Frost", "Night", "Storm", "Rose", "Blade"]


@lru_cache(maxsize=1)
def font_paths() -> tuple[str, ...]:
    found = [p for pattern in _FONT_PATTERNS for p in glob.glob(pattern)]
    return tuple(found)


@lru_cache(maxsize=256)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    if path == "default":
        return ImageFont.load_default(size)
    return ImageFont.truetype(path, size)


@dataclass
class Element:
    box: tuple[int, int, int, int]  # x, y, w, h in screenshot pixels
    kind: str  # "name", "number", "other" (icon, avatar, badge), "text" (headers)
    text: str = ""


@dataclass
class SynthRow:
    name: str
    numbers: list[int]
    partial: bool = False
    top: int = 0


@dataclass
class SynthScreen:
    image: np.ndarray  # RGB uint8
    rows: list[SynthRow]
    elements: list[Element] = field(default_factory=list)

    @property
    def full_rows(self) -> list[SynthRow]:
        return [r for r in self.rows if not r.partial]


def random_name(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.choice([1, 1, 2])):
        if rng.random() < 0.3:
            word = rng.choice(_WORDS)
        else:
            word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        if rng.random() < 0.2:
            i = rng.randrange(len(word))
            word = word[:i] + rng.choice(_ACCENTED) + word[i + 1 :]
        parts.append(word)
    name = rng.choice([" ", "_", ""]).join(parts)
    if rng.random() < 0.25:
        name += str(rng.randint(1, 999))
    if rng.random() < 0.3:
        tag = "".join(rng.choice("ABCDEFGHKLMNPRSTVWXZ") for _ in range(3))
        name = f"[{tag}]" + rng.choice(["", " "]) + name
    return name


def format_number(value: int, style: str) -> tuple[str, int]:
    """The text for ``value`` in ``style`` and the integer that text stands for."""
    if style == "comma":
        return f"{value:,}", value
    if style == "space":
        return f"{value:,}".replace(",", " "), value
    if style == "dot":
        return f"{value:,}".replace(",", "."), value
    if style == "plain":
        return str(value), value
    if style == "K":
        tenths = max(1, value // 100)
        text = f"{tenths / 10:.1f}".removesuffix(".0") + "K"
        return text, tenths * 100
    if style == "M":
        tenths = max(1, value // 100_000)
        text = f"{tenths / 10:.1f}".removesuffix(".0") + "M"
        return text, tenths * 100_000
    if style == "power":
        return f"Power: {value:,}", value
    if style == "points":
        return f"{value:,} points", value
    raise ValueError(style)


@dataclass
class Theme:
    dark: bool
    bg_top: tuple[int, int, int]
    bg_bottom: tuple[int, int, int]
    card: tuple[int, int, int] | None
    name_color: tuple[int, int, int]
    number_color: tuple[int, int, int]
    font: str
    number_font: str


def _jitter(color: tuple[int, int, int], rng: random.Random, amount: int = 25) -> tuple[int, int, int]:
    return tuple(int(np.clip(c + rng.randint(-amount, amount), 0, 255)) for c in color)  # type: ignore[return-value]


def random_theme(rng: random.Random) -> Theme:
    fonts = list(font_paths()) or ["default"]
    dark = rng.random() < 0.5
    if dark:
        bg = _jitter((30, 40, 60), rng, 25)
        card = _jitter((55, 70, 100), rng, 25) if rng.random() < 0.7 else None
        name_color = _jitter((235, 235, 235), rng, 20)
        number_color = rng.choice([_jitter((240, 210, 120), rng, 15), _jitter((200, 230, 255), rng, 15)])
    else:
        bg = _jitter((225, 215, 195), rng, 30)
        card = _jitter((245, 240, 230), rng, 10) if rng.random() < 0.7 else None
        name_color = _jitter((50, 40, 35), rng, 25)
        number_color = rng.choice([_jitter((40, 40, 40), rng, 15), _jitter((40, 90, 160), rng, 20)])
    font = rng.choice(fonts)
    return Theme(
        dark=dark,
        bg_top=bg,
        bg_bottom=_jitter(bg, rng, 35),
        card=card,
        name_color=name_color,
        number_color=number_color,
        font=font,
        number_font=rng.choice([font, rng.choice(fonts)]),
    )


def _background(width: int, height: int, theme: Theme, rng: random.Random) -> Image.Image:
    t = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
    top, bottom = np.array(theme.bg_top, np.float32), np.array(theme.bg_bottom, np.float32)
    array = np.broadcast_to(top * (1 - t) + bottom * t, (height, width, 3)).copy()
    noise = np.asarray(
        _noise(width // 8, height // 8, rng).resize((width, height), Image.BICUBIC).convert("L"),
        np.float32,
    )
    array += (noise[:, :, None] - 128.0) * rng.uniform(0.05, 0.2)
    image = Image.fromarray(np.clip(array, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randint(0, 12)):  # faint ornaments
        x, y, r = rng.randrange(width), rng.randrange(height), rng.randint(width // 30, width // 6)
        color = _jitter(theme.bg_top, rng, 18)
        draw.ellipse((x - r, y - r, x + r, y + r), outline=color, width=max(1, width // 400))
    return image


def _noise(w: int, h: int, rng: random.Random) -> Image.Image:
    data = np.frombuffer(rng.randbytes(max(1, w) * max(1, h)), np.uint8).reshape(max(1, h), max(1, w))
    return Image.fromarray(data)


def _avatar(draw: ImageDraw.ImageDraw, x: int, y: int, size: int, rng: random.Random) -> None:
    colors = [tuple(rng.randrange(256) for _ in range(3)) for _ in range(4)]
    if rng.random() < 0.5:
        draw.rounded_rectangle((x, y, x + size, y + size), radius=size // 8, fill=colors[0], outline=colors[1])
    else:
        draw.ellipse((x, y, x + size, y + size), fill=colors[0], outline=colors[1], width=max(2, size // 20))
    for _ in range(rng.randint(2, 6)):
        a, b = rng.randint(x, x + size), rng.randint(y, y + size)
        r = rng.randint(size // 10, size // 3)
        shape = rng.choice([draw.ellipse, draw.rectangle])
        # inside the avatar's box (the element it is recorded as): no decoration reaches the text beside it
        shape(
            (max(x, a - r // 2), max(y, b - r // 2), min(x + size, a + r), min(y + size, b + r)),
            fill=rng.choice(colors),
        )


def _badge(draw: ImageDraw.ImageDraw, x: int, y: int, size: int, rng: random.Random) -> None:
    gold = rng.choice([(230, 180, 40), (190, 190, 200), (200, 120, 60), (120, 160, 230)])
    draw.polygon([(x + size * 0.3, y), (x + size * 0.45, y + size * 0.5), (x + size * 0.15, y + size * 0.5)], fill=gold)
    draw.polygon([(x + size * 0.7, y), (x + size * 0.85, y + size * 0.5), (x + size * 0.55, y + size * 0.5)], fill=gold)
    draw.ellipse((x + size * 0.15, y + size * 0.3, x + size * 0.85, y + size), fill=gold, outline=(90, 60, 20))
    draw.regular_polygon((x + size / 2, y + size * 0.65, size * 0.18), 5, fill=(255, 240, 200))


def _icon(draw: ImageDraw.ImageDraw, x: int, y: int, size: int, rng: random.Random) -> None:
    color = tuple(rng.randrange(60, 256) for _ in range(3))
    kind = rng.choice(["gear", "shield", "star", "crown"])
    if kind == "gear":
        draw.ellipse((x, y, x + size, y + size), outline=color, width=max(2, size // 6))
        draw.ellipse((x + size // 3, y + size // 3, x + 2 * size // 3, y + 2 * size // 3), fill=color)
    elif kind == "shield":
        draw.polygon(
            [(x, y), (x + size, y), (x + size, y + size // 2), (x + size // 2, y + size), (x, y + size // 2)],
            fill=color,
        )
    elif kind == "star":
        draw.regular_polygon((x + size / 2, y + size / 2, size / 2), 5, fill=color, rotation=rng.randint(0, 60))
    else:
        pts = [(x, y + size), (x, y + size // 3), (x + size // 4, y + size * 2 // 3), (x + size // 2, y)]
        pts += [(x + size * 3 // 4, y + size * 2 // 3), (x + size, y + size // 3), (x + size, y + size)]
        draw.polygon(pts, fill=color)


def _clear_y(draw, xy: tuple[float, float], text: str, font, anchor: str, beside: tuple, other_y: float) -> float:
    """``xy``'s y, or ``other_y`` when the text drawn at ``xy`` would overlap the box ``beside``."""
    x1, y1, x2, y2 = draw.textbbox(xy, text, font=font, anchor=anchor)
    bx, by, bw, bh = beside
    overlaps = x1 < bx + bw + 8 and bx < x2 and y1 < by + bh and by < y2
    return other_y if overlaps else xy[1]


def _text(draw: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, font, fill, anchor: str = "la"):
    draw.text(xy, text, font=font, fill=fill, anchor=anchor)
    x1, y1, x2, y2 = draw.textbbox(xy, text, font=font, anchor=anchor)
    return (int(x1), int(y1), int(x2 - x1), int(y2 - y1))


# the widest text of each column style (values reach 9.9e8, so K reaches 989999.9K; M fits 888.8M): columns laid
# out by these never overlap their neighbours
_TEMPLATES = {
    "comma": "888,888,888",
    "space": "888 888 888",
    "dot": "888.888.888",
    "plain": "888888888",
    "K": "888888.8K",
}


def _columns(width: int, s: float, styles: list[str], font) -> tuple[list[int], int]:
    """Right edges of the number columns (right aligned) and the x where the name must end."""
    widths = [font.getlength(_TEMPLATES.get(st, "888.8M")) for st in styles]
    rights = [0] * len(styles)
    right = width - int(40 * s) - int(30 * s)
    for k in reversed(range(len(styles))):
        rights[k] = int(right)
        right -= widths[k] + int(50 * s)
    return rights, int(right)


def make_screenshot(
    seed: int,
    *,
    size: tuple[int, int] | None = None,
    members: list[tuple[str, list[str], list[int]]] | None = None,
    jpeg: bool | None = None,
    layout: str | None = None,
    theme: Theme | None = None,
    start_offset: float | None = None,
) -> SynthScreen:
    """One screenshot. ``members``: (name, number texts, number values) per row, else random ones."""
    rng = random.Random(seed)
    width, height = size or rng.choice(SIZES)
    s = width / 1080 * rng.uniform(0.9, 1.1)
    if width > height:  # landscape tablet
        s = height / 1080 * rng.uniform(0.9, 1.1)
    theme = theme or random_theme(rng)
    layout = layout or rng.choice(["line", "stack", "split"])
    image = _background(width, height, theme, rng)
    draw = ImageDraw.Draw(image)
    elements: list[Element] = []

    name_size = int(rng.uniform(34, 46) * s)
    number_size = int(name_size * rng.uniform(0.85, 1.0))
    name_font = _font(theme.font, name_size)
    number_font = _font(theme.number_font, number_size)
    title = rng.choice(["Alliance Members", "Ranking", "Contribution", "Event Points", "Members"])
    box = _text(draw, (width / 2, 90 * s), title, _font(theme.font, int(56 * s)), theme.name_color, "mt")
    elements.append(Element(box, "text", title))

    n_cols = rng.choice([1, 1, 2, 2, 3]) if layout == "line" else rng.choice([1, 2])
    if members:
        n_cols = len(members[0][1])
    styles = [
        rng.choice(["comma", "comma", "space", "dot", "plain", "K", "M", "points", "power"]) for _ in range(n_cols)
    ]
    if layout == "line":
        styles = [st if st not in ("points", "power") else "comma" for st in styles]
    show_rank = rng.random() < 0.4 and layout != "split"
    show_badges = rng.random() < 0.5  # like a game, a screen shows them on every row or on none
    show_avatars = rng.random() < 0.85
    row_h = int({"line": 150, "stack": 190, "split": 210}[layout] * s * rng.uniform(0.95, 1.15))
    top = int(180 * s)
    bottom = height - int(rng.uniform(60, 200) * s)
    offset = int(row_h * (rng.uniform(0, 0.7) if start_offset is None else start_offset))

    avatar = int(row_h * 0.7)
    name_x_max = int(40 * s) + int(85 * s) + avatar + int(25 * s)  # worst case: badge/rank + avatar
    rights, name_limit = _columns(width, s, styles, number_font)
    while layout == "line" and not members and len(styles) > 1 and name_limit - name_x_max < 0.28 * width:
        styles = styles[1:]
        n_cols = len(styles)
        rights, name_limit = _columns(width, s, styles, number_font)
    if layout != "line":
        name_limit = width - int(40 * s) - int(30 * s) - number_font.getlength("888,888,888 points") - int(40 * s)

    list_layer = image.crop((0, top, width, bottom))
    ldraw = ImageDraw.Draw(list_layer)
    rows: list[SynthRow] = []
    n_rows = (bottom - top + offset) // row_h + 1
    margin = int(40 * s)
    for i in range(n_rows):
        y0 = i * row_h - offset
        if members is not None:
            if i >= len(members):
                break
            name, texts, values = members[i]
        else:
            name = random_name(rng)
            for _ in range(20):  # names that fit their column, as games do
                if name_font.getlength(name) <= name_limit - name_x_max:
                    break
                name = random_name(rng)
            texts, values = [], []
            for style in styles:
                magnitude = rng.choice([1e3, 1e4, 1e5, 1e6, 1e7, 1e8])
                text, value = format_number(rng.randint(int(magnitude), int(magnitude * 9.9)), style)
                texts.append(text)
                values.append(value)
        local: list[Element] = []
        if theme.card is not None:
            ldraw.rounded_rectangle(
                (margin // 2, y0 + 6 * s, width - margin // 2, y0 + row_h - 6 * s),
                radius=int(20 * s),
                fill=_jitter(theme.card, rng, 6),
                outline=_jitter(theme.card, rng, 40),
                width=max(1, int(3 * s)),
            )
        else:
            ldraw.line(
                (margin, y0 + row_h - 2, width - margin, y0 + row_h - 2),
                fill=_jitter(theme.bg_top, rng, 40),
                width=max(1, int(2 * s)),
            )
        x = margin
        row_numbers: list[tuple[int, int]] = []  # (x, value) to order left to right
        if show_rank:
            rank = i + 1
            box = _text(ldraw, (x + 30 * s, y0 + row_h / 2), str(rank), number_font, theme.number_color, "mm")
            local.append(Element(box, "number", str(rank)))
            row_numbers.append((box[0], rank))
            x += int(70 * s)
        elif show_badges:
            _badge(ldraw, x, int(y0 + row_h / 2 - 35 * s), int(70 * s), rng)
            local.append(Element((x, int(y0 + row_h / 2 - 35 * s), int(70 * s), int(70 * s)), "other"))
            x += int(85 * s)
        if show_avatars:
            _avatar(ldraw, x, int(y0 + (row_h - avatar) / 2), avatar, rng)
            local.append(Element((x, int(y0 + (row_h - avatar) / 2), avatar, avatar), "other"))
            x += avatar + int(25 * s)
        if layout == "line":
            box = _text(ldraw, (x, y0 + row_h / 2), name, name_font, theme.name_color, "lm")
            local.append(Element(box, "name", name))
            for k in reversed(range(n_cols)):
                box = _text(ldraw, (rights[k], y0 + row_h / 2), texts[k], number_font, theme.number_color, "rm")
                local.append(Element(box, "number", texts[k]))
                row_numbers.append((box[0], values[k]))
        elif layout == "stack":
            box = _text(ldraw, (x, y0 + row_h * 0.32), name, name_font, theme.name_color, "lm")
            local.append(Element(box, "name", name))
            if rng.random() < 0.5:
                _icon(ldraw, box[0] + box[2] + int(12 * s), int(y0 + row_h * 0.32 - 18 * s), int(36 * s), rng)
                local.append(
                    Element(
                        (
                            box[0] + box[2] + int(12 * s),
                            int(y0 + row_h * 0.32 - 18 * s),
                            int(36 * s),
                            int(36 * s),
                        ),
                        "other",
                    )
                )
            box = _text(ldraw, (x, y0 + row_h * 0.68), texts[0], number_font, theme.number_color, "lm")
            local.append(Element(box, "number", texts[0]))
            row_numbers.append((box[0], values[0]))
            if n_cols > 1:
                # on the name's line where a long first number would run into it
                right = (width - margin - 30 * s, y0 + row_h / 2)
                y = _clear_y(ldraw, right, texts[1], number_font, "rm", box, y0 + row_h * 0.32)
                box = _text(
                    ldraw,
                    (right[0], y),
                    texts[1],
                    number_font,
                    theme.number_color,
                    "rm",
                )
                local.append(Element(box, "number", texts[1]))
                row_numbers.append((box[0], values[1]))
            else:
                _icon(ldraw, int(width - margin - 100 * s), int(y0 + row_h / 2 - 35 * s), int(70 * s), rng)
                local.append(
                    Element(
                        (
                            int(width - margin - 100 * s),
                            int(y0 + row_h / 2 - 35 * s),
                            int(70 * s),
                            int(70 * s),
                        ),
                        "other",
                    )
                )
        else:  # split: name line, then an icon + number under it, and a right-aligned number
            box = _text(ldraw, (x, y0 + row_h * 0.28), name, name_font, theme.name_color, "lm")
            local.append(Element(box, "name", name))
            _icon(ldraw, x, int(y0 + row_h * 0.62 - 20 * s), int(40 * s), rng)
            local.append(Element((x, int(y0 + row_h * 0.62 - 20 * s), int(40 * s), int(40 * s)), "other"))
            box = _text(ldraw, (x + 60 * s, y0 + row_h * 0.62), texts[0], number_font, theme.number_color, "lm")
            local.append(Element(box, "number", texts[0]))
            row_numbers.append((box[0], values[0]))
            if n_cols > 1:
                right = (width - margin - 20 * s, y0 + row_h * 0.5)
                y = _clear_y(ldraw, right, texts[1], number_font, "rm", box, y0 + row_h * 0.28)
                box = _text(
                    ldraw,
                    (right[0], y),
                    texts[1],
                    number_font,
                    theme.number_color,
                    "rm",
                )
                local.append(Element(box, "number", texts[1]))
                row_numbers.append((box[0], values[1]))
        visible = [e for e in local if e.kind in ("name", "number")]
        partial = any(e.box[1] < 0 or e.box[1] + e.box[3] > bottom - top for e in visible)
        if all(e.box[1] + e.box[3] < 0 or e.box[1] > bottom - top for e in visible):
            continue
        numbers = [v for _, v in sorted(row_numbers)]
        rows.append(SynthRow(name=name, numbers=numbers, partial=partial, top=y0 + top))
        for e in local:
            bx, by, bw, bh = e.box
            if by >= 0 and by + bh <= bottom - top:
                elements.append(Element((bx, by + top, bw, bh), e.kind, e.text))
    image.paste(list_layer, (0, top))
    if rng.random() < 0.5:
        image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.9)))
    if jpeg if jpeg is not None else rng.random() < 0.8:
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=rng.randint(55, 95))
        image = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    return SynthScreen(image=np.asarray(image), rows=rows, elements=elements)


def make_day(seed: int, n_screens: int = 3, rows_per_screen: int = 10) -> tuple[list[SynthScreen], list[SynthRow]]:
    """Consecutive scrolled screenshots of one list, overlapping by a few rows, and the whole list."""
    rng = random.Random(seed)
    theme = random_theme(rng)
    size = rng.choice(SIZES[:4])
    total = n_screens * (rows_per_screen - 3) + 3
    members = []
    for _ in range(total):
        value = rng.randint(1000, 9_999_999)
        text, value = format_number(value, "comma")
        members.append((random_name(rng), [text], [value]))
    screens = []
    for k in range(n_screens):
        start = k * (rows_per_screen - 3)
        screens.append(
            make_screenshot(
                seed * 100 + k,
                size=size,
                members=members[start : start + rows_per_screen + 2],
                layout="line",
                theme=theme,
                start_offset=0.0,
            )
        )
    truth = [SynthRow(name=n, numbers=v) for n, _, v in members]
    return screens, truth


def labelled_regions(screen: SynthScreen, regions) -> list[str | None]:
    """A label per detected region from the drawn elements: its kind, or None when ambiguous."""
    labels: list[str | None] = []
    for r in regions:
        best, best_iou, inside_other = None, 0.0, False
        for e in screen.elements:
            ex, ey, ew, eh = e.box
            ix = max(0, min(r.x + r.w, ex + ew) - max(r.x, ex))
            iy = max(0, min(r.y + r.h, ey + eh) - max(r.y, ey))
            inter = ix * iy
            if inter == 0:
                continue
            iou = inter / (r.w * r.h + ew * eh - inter)
            if iou > best_iou:
                best, best_iou = e, iou
            if e.kind == "other" and inter >= 0.8 * r.w * r.h:
                inside_other = True
        if best is None:
            labels.append("other")
        elif best_iou >= 0.5 and best.kind in ("name", "number", "other"):
            labels.append(best.kind)
        elif inside_other and best.kind == "other":
            labels.append("other")
        else:
            labels.append(None)
    return labels
