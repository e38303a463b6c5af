"""Matching OCR'd names to a roster despite lookalike characters; the roster keeps names as stored."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

from rapidfuzz import fuzz, process

# Multi-character confusions first, then single characters; everything lowercased first.
# an alliance tag before a name ("[K178]"), as printed and as read (its "]" read as "|", ")" or "}")
TAG = re.compile(r"\[[A-Za-z0-9]{2,5}\]")
# its "[" read as "(" too, in small type ("(VENI] 킹 혁"), where it holds a letter: no rank badge "(18)"
TAG_AS_READ = re.compile(r"\[[A-Za-z0-9]{2,5}[]|)}]|\((?=\d*[A-Za-z])[A-Za-z0-9]{2,5}[])]")

_MULTI = [("rn", "m"), ("vv", "w"), ("cl", "d")]
_SINGLE = str.maketrans(
    {
        "0": "o",
        "ø": "o",
        "đ": "d",
        "ł": "l",
        "ß": "b",
        "1": "l",
        "i": "l",
        "|": "l",
        "!": "l",
        "j": "l",
        "5": "s",
        "8": "b",
        "6": "b",
        "2": "z",
        "$": "s",
        "€": "e",
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
    }
)


def clean_read(text: str) -> str:
    """Tidy OCR output for display and storage: NFC, single spaces, no stray edge punctuation."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"\s+", " ", text).strip()
    # the German model's dotless ı, where the i's dot was taken for an accent and wiped: none of the
    # bundled models spells Turkish, so it is an i (fold() makes the two one anyway)
    text = text.replace("ı", "i")
    # a ç read as a cent sign ("Nigh¢316"): no name spells money, and the hook is the sign's stroke
    text = re.sub(r"(?<=[^\W\d_])¢|¢(?=[^\W\d_])", "ç", text)
    text = re.sub(r"(?<=[^\W\d_])[:;](?=[^\W\d_])", "", text)  # "Roí:e": a piece of an accent, inside a word
    text = re.sub(r"(?<=\s)[‚„‘’“”'\"`]+(?=\w)", "", text)  # "[HEI ‚WRATH": a decoration read as a quote mark
    # an underscore joins two words: a space beside it is made up ("Letix_ Teóneel", "Shami _Rolisça"), and
    # a point or comma at its end is a piece of it ("Letixlet._Letlux", seed 24147)
    text = re.sub(r"(?<=[^\W_])[.,]? ?_ ?[.,]?(?=[^\W_])", "_", text)
    return text.strip(" .,;:'\"`~-_|/\\‘’“”") if len(text) > 2 else text


def fix_tag(text: str) -> str:
    """``[HEI|xBes`` -> ``[HEI]xBes``: a tag's closing bracket read as a lookalike (``|``, ``)``, ``}``, or
    ``J`` or ``l`` after an upper-case tag: ``[RHPJüowrael68``, ``[XLGlíerter``);
    ``[HE!]Jayy`` -> ``[HEI]Jayy``: an I of an upper-case tag read as ``!`` or ``|``;
    ``(VENi) 라디꿀벌`` -> ``[VENi] 라디꿀벌``: a tag's brackets read as parentheses (small text);
    ``[HEI WRATH`` -> ``[HEI] WRATH``: an upper-case tag's closing bracket not read at all;
    ``[BAA]J]írost`` -> ``[BAA]írost``: the closing bracket read twice, a bar between or none."""
    # "[BAA]J]írostOka": the closing bracket read twice with a J between (seed 24906), or with none once
    # the J was found made up ("[BAA]]írostOka"): one bracket
    text = re.sub(r"^(\[[A-Za-z0-9]{2,5}\])[JIl|]?\](?=.)", r"\1", text)
    paren = re.match(r"\(([A-Za-z0-9]{2,5})[)\]](?=.)", text)
    if paren:
        text = f"[{paren.group(1)}]{text[paren.end() :]}"
    if not text.startswith("["):
        return text
    upper = re.match(r"\[([A-Z0-9!|]{2,5})\]", text)
    if upper and re.search(r"[A-Z0-9]", upper.group(1)):
        return "[" + upper.group(1).replace("!", "I").replace("|", "I") + text[upper.end() - 1 :]
    if "]" in text[:8]:
        return text
    if "]" not in text and re.match(r"\[[A-Z0-9]{2,5} \S", text):
        return text.replace(" ", "] ", 1)  # "[HEI ‚WRATH": the closing bracket lost
    match = re.match(r"\[([A-Za-z0-9]{2,5})[|)}](?=.)", text)
    if match is None and "]" not in text:
        match = re.match(r"\[([A-Z0-9]{2,5}?)J(?=.)", text)  # an upper-case tag closed by a J
    if match is None and "]" not in text:
        match = re.match(r"\[([A-Z0-9]{2,5})l(?=.)", text)  # or by an l ("[XLGlíerter")
    return f"[{match.group(1)}]{text[match.end() :]}" if match else text


def fix_capital_i(text: str) -> str:
    """``C&l`` -> ``C&I``: an l in a word whose other letters are all capitals is a capital I (the two
    are one glyph in most sans-serif fonts)."""

    def word(match: re.Match) -> str:
        w = match.group(0)
        letters = [ch for ch in w if ch.isalpha() and ch != "l"]
        if "l" in w and letters and all(ch.isupper() for ch in letters):
            return w.replace("l", "I")
        return w

    text = re.sub(r"\S+", word, text)
    # a word that starts with an l before a consonant ("lronhide"): no word starts so, an I does ("Iron");
    # nor with a "!" before a letter: an I whose stem the line model saw broken ("[NNX]!xára", seed 24592)
    text = re.sub(r"(?:(?<=^)|(?<=[\s\]_)]))!(?=[^\W\d_])", "I", text)
    return re.sub(r"(?:(?<=^)|(?<=[\s\]_)]))l(?=[bcdfghkmnpqrstvwxz])", "I", text)


def fix_leading_zero(text: str) -> str:
    """``0zço456`` -> ``Ozço456``: a zero that starts a word and runs into letters is an O (a zero
    starts numbers: ``007Bond`` keeps its)."""
    return re.sub(r"(?:(?<=^)|(?<=[\s\]_]))0(?=[^\W\d_])", "O", text)


def fold(name: str) -> str:
    """A key under which OCR lookalikes collide: ``0/O``, ``1/l/I``, ``5/S``, ``8/B``, ``rn/m``, accents."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    for a, b in _MULTI:
        text = text.replace(a, b)
    text = text.translate(_SINGLE)
    return re.sub(r"[\s_.\-]+", "", text)


def match_name(
    read: str, roster: Iterable[str], *, threshold: float = 80.0, limit: int = 5
) -> tuple[str | None, float, list[tuple[str, float]]]:
    """The roster member ``read`` stands for, its score (0-100) and the best candidates.

    The member is None when the best score is under ``threshold`` or two members tie for it.
    """
    members = list(dict.fromkeys(roster))
    if not members or not read.strip():
        return None, 0.0, []
    folded = fold(read)
    keys = [fold(m) for m in members]
    exact = [m for m, k in zip(members, keys, strict=True) if k == folded]
    if len(exact) == 1:
        return exact[0], 100.0, [(exact[0], 100.0)]
    found = process.extract(folded, keys, scorer=fuzz.ratio, processor=None, limit=limit)
    candidates = [(members[index], float(score)) for _, score, index in found]
    if not candidates:
        return None, 0.0, []
    best, score = candidates[0]
    tie = len(candidates) > 1 and candidates[1][1] == score
    return (None if score < threshold or tie else best), score, candidates


def tags_as_most_rows(names: list[str], *, least: int = 3) -> list[str]:
    """``names`` with each tag spelt as most of the screen's rows spell it where the two differ in case
    alone ("[VENI] 킹 혁" among five "[VENi]"): a small i and a capital I are one shape to Tesseract in
    small type, and no screen lists two alliances whose tags differ in case alone. A tag needs ``least``
    rows, and more than any other spelling of it, to be taken."""
    tags = [m.group(0) if (m := TAG.match(name)) else None for name in names]
    spellings: dict[str, Counter[str]] = {}
    for tag in filter(None, tags):
        spellings.setdefault(tag.casefold(), Counter())[tag] += 1
    out = []
    for name, tag in zip(names, tags, strict=True):
        if tag:
            ranked = spellings[tag.casefold()].most_common(2)
            (usual, count), runner_up = ranked[0], ranked[1][1] if len(ranked) > 1 else 0
            if tag != usual and count >= least and count > runner_up:
                name = usual + name[len(tag) :]
        out.append(name)
    return out
