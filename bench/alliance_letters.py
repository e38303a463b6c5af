"""Letters the Latin OCR models do not spell, on rendered member lists: Central European names
(carons, breves, ogoneks, cedillas, ż, ł), Hausa and Fula names with hooked letters (Ɓ Ɗ ɓ ɗ: in the
fonts that have them, the four DejaVu ones), and plain names that must stay plain.

Run: ``.venv/bin/python bench/alliance_letters.py``. Writes bench/results/alliance_letters.json.
Each list is one screen per font and size: a name and a number per row, dark on light. The baseline is
Tesseract alone on each name's line, cut from the same screen: the German and English models merged
word by word (``ocr.read_line(kind="names")``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.alliance.synth import font_paths  # noqa: E402

from looplab.alliance import ocr  # noqa: E402
from looplab.alliance.reader import AllianceReader  # noqa: E402
from looplab.imaging.regions import to_gray  # noqa: E402

CENTRAL_EUROPEAN = [
    "Šárka",
    "Čech",
    "Žižka",
    "Luděk",
    "Řehoř",
    "Mădă",
    "Ağa",
    "Łukasz",
    "Michał",
    "Paweł",
    "Wałęsa",
    "Kąkol",
    "Ştefan",
    "Ayşe",
    "Złoty",
    "Grażyna",
    "Żaneta",
    "Gęś",
]
HOOKED = ["Ɓello", "Ɗanladi", "Aɓubakar", "Haɗiza", "Ɓaɓa", "Ɗahiru", "Ɓoyi", "xƁes"]
PLAIN_B_D = ["Bob", "Dado", "Abdul", "Buddy", "Debbie", "Bodo", "Dubai", "BadBoy"]
PLAIN = [
    "Tito",
    "Stat",
    "Kasztan",
    "Agape",
    "Gaye",
    "Lilt",
    "Wolf",
    "Kiki",
    "Mimi",
    "Iris",
    "Zulizu",
    "Tero",
    "Woñf",
    "Señor",
    "Tego",
    "Jessy",
    "Alf",
    "Otto",
]
SIZES = (22, 28, 34)
ROW = 110


def _screen(names: list[str], font: ImageFont.FreeTypeFont) -> np.ndarray:
    image = Image.new("RGB", (1080, ROW * len(names) + 100), (240, 238, 230))
    draw = ImageDraw.Draw(image)
    for k, name in enumerate(names):
        draw.text((200, 60 + ROW * k), name, font=font, fill=(30, 30, 30))
        draw.text((700, 60 + ROW * k), f"{12345 + k:,}", font=font, fill=(30, 30, 30))
    return np.array(image)


def _covers(path: str, names: list[str]) -> bool:
    cmap = TTFont(path).getBestCmap()
    return all(ord(ch) in cmap for name in names for ch in name)


def _baseline(gray: np.ndarray, k: int, size: int) -> str:
    top = 60 + ROW * k - size // 2
    line = gray[max(top, 0) : top + 2 * size, 150:650]
    return ocr.read_line(ocr.prepare_crop(line, text_height=round(0.75 * size)), kind="names").text.strip()


def main() -> None:
    reader = AllianceReader()
    results: dict[str, dict[str, int]] = {}
    misses: list[tuple[str, int, str, list[str]]] = []
    kinds = (("central_european", CENTRAL_EUROPEAN), ("hooked", HOOKED), ("plain", PLAIN), ("plain_b_d", PLAIN_B_D))
    for kind, names in kinds:
        ours = base = total = 0
        for path in font_paths():
            if not _covers(path, names):
                continue
            for size in SIZES:
                image = _screen(names, ImageFont.truetype(path, size))
                read = [row.name for row in reader.read(image).rows]
                gray = to_gray(image)
                for k, name in enumerate(names):
                    total += 1
                    ours += name in read
                    base += _baseline(gray, k, size) == name
                    if name not in read:
                        misses.append((Path(path).name, size, name, read))
        results[kind] = {"names": total, "ours": ours, "baseline": base}
        print(f"{kind}: ours {ours}/{total}, baseline (Tesseract, German and English, on each line) {base}/{total}")
    out = ROOT / "bench" / "results" / "alliance_letters.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {"results": results, "fonts": len(font_paths()), "sizes": SIZES, "misses": misses},
            ensure_ascii=False,
            indent=1,
        )
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
