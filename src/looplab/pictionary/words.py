"""The game's words: a bundled starter list, and every Quick, Draw! category mapped to a game category."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

ASSETS = Path(__file__).with_name("assets")
OTHER = "other"


@dataclass(frozen=True)
class Word:
    word: str
    category: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


def starter_words() -> list[Word]:
    """The 20 words the bundled model knows, each with its game category."""
    data = json.loads((ASSETS / "words.json").read_text(encoding="utf-8"))
    return [Word(item["word"], item["category"]) for item in data["words"]]


@lru_cache(maxsize=1)
def category_map() -> dict[str, str]:
    """All 345 Quick, Draw! category names -> game category (animals, food, nature, vehicles, ...)."""
    return json.loads((ASSETS / "categories.json").read_text(encoding="utf-8"))["categories"]


def parse_categories(text: str) -> list[Word]:
    """A ``categories.txt`` (one Quick, Draw! name per line) -> words; unknown names go to ``other``."""
    mapping = category_map()
    lowered = {name.lower(): name for name in mapping}
    words: list[Word] = []
    seen: set[str] = set()
    for line in text.splitlines():
        name = line.strip()
        if not name or name.startswith("#") or name.lower() in seen:
            continue
        seen.add(name.lower())
        canonical = lowered.get(name.lower(), name)
        words.append(Word(canonical, mapping.get(canonical, OTHER)))
    return words
