"""Parsing the numbers games print: ``1,234``, ``1 234``, ``1.234``, ``12.5K``, ``228.9M``, ``Power: 3,244``,
``215,600 points``.

A text is a number only when, besides the numeric token, it holds at most a label ending in ``:`` before it
and one word after it; ``RoycieeTest1`` or ``[K178] Finde`` are names, not numbers.
"""

from __future__ import annotations

import re
import unicodedata

_SUFFIX = {"k": 1_000, "m": 1_000_000, "b": 1_000_000_000, "g": 1_000_000_000}
# OCR lookalikes inside a numeric token only (never applied to labels or names).
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1", "S": "5"})
_TOKEN = re.compile(
    r"(?<![A-Za-z\d])"  # not glued to a word: "Test1" is a name
    r"(?P<num>[+\-]?\d(?:[\d,.' ]*\d)?)"
    r"\s?(?P<suffix>[KkMmBb](?![A-Za-z]))?"
    r"(?P<pct>%)?"
)
_PREFIX_OK = re.compile(r"^(?:[^\w]{0,3}|.{0,30}[:：=]\s*|.{0,30}[^\W\d_]\.\s+|[#№x×]\s*)$")
_SUFFIX_OK = re.compile(r"^(?:[^\w]{0,3}|\s*[A-Za-z]{2,12}\.?[^\w]{0,2})$")


_TRADE_MARK_UNIT = re.compile(r"(?<=\d)\s?\u2122")  # "7M" read "7™": NFKC would make it "7TM"


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", _TRADE_MARK_UNIT.sub("M", text))
    text = re.sub(r"[\u00a0\u2009\u202f\u2007]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _group_value(num: str) -> int | None:
    """An integer written with optional thousands separators (``,`` ``.`` ``'`` or space)."""
    sign = -1 if num.startswith("-") else 1
    num = num.lstrip("+-")
    separators = set(re.findall(r"[,.' ]", num))
    if len(separators) > 1 and separators != {",", "."}:
        return None  # "5,362 324,374,300": two numbers side by side, not one ("4,018.417": a slip)
    groups = re.split(r"[,.' ]", num)
    if len(groups) == 1:
        return sign * int(groups[0])
    if all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3:
        return sign * int("".join(groups))
    return None


def _suffixed_value(num: str, multiplier: int) -> int | None:
    """``12.5K`` -> 12500; ``1,5M`` (decimal comma) -> 1500000; ``1,234K`` -> 1234000."""
    num = num.lstrip("+")
    if " " in num and not re.fullmatch(r"\d+ \d{1,2}|\d{1,3}(?: \d{3})+", num):
        return None  # "7 247665K": an icon read as a digit before the value, no group of three after it
    # a space before one or two digits is a decimal point not read ("734844 8K"): a group has three
    match = re.fullmatch(r"(\d+) (\d{1,2})", num) or re.fullmatch(r"(\d+)(?:[.,](\d{1,2}))?", num.replace(" ", ""))
    if match:
        whole, frac = match.group(1), match.group(2) or ""
        if not frac and len(whole) == 2 and whole.startswith("0"):
            whole, frac = "0", whole[1]  # "0.1M" read "01IM" (seed 26591): no value starts with a zero
        value = int(whole) * multiplier
        return value + (int(frac) * multiplier) // 10 ** len(frac) if frac else value
    value = _group_value(num)
    return None if value is None else value * multiplier


_DOUBLED_SUFFIX = re.compile(r"(?<=\d)([KkMmBb])([KkMmBb]+)$")
_BARRED_SUFFIX = re.compile(r"(?<=\d)[Il|](?=[KkMmBb]$)")  # "51IM": the M's first stem read again
_LETTER_BEFORE_SUFFIX = re.compile(r"(?<=\d)[a-z](?=[KMB]$)")  # "4aM": a small letter made up before the unit
_BAR_AFTER_POINT = re.compile(r"(?<=\d[.,])[Il|](?=[KkMmBb]$)")  # "0.1M" read "0.IM": a one, no stem


def parse_number(text: str) -> int | None:
    """The integer a game number text stands for, or None when the text is not (only) a number."""
    text = normalise(text)
    doubled = _DOUBLED_SUFFIX.search(text)
    if doubled and set(doubled.group(2).lower()) == {doubled.group(1).lower()}:
        text = text[: doubled.start(2)]  # "882Mm": the suffix letter read twice
    text = _LETTER_BEFORE_SUFFIX.sub("", _BARRED_SUFFIX.sub("", _BAR_AFTER_POINT.sub("1", text)))
    if not text:
        return None
    candidates = list(_TOKEN.finditer(text))
    if len(candidates) != 1:
        # a lone token with lookalike letters, e.g. "1O,5O0" read from a digit crop
        lookalike_only = re.fullmatch(r"[\dOoDlIS|,.' ]+", text) and has_digits(text)
        fixed = text.translate(_DIGIT_LOOKALIKES) if lookalike_only else None
        if fixed is None or fixed == text:
            return None
        return parse_number(fixed)
    match = candidates[0]
    prefix, rest = text[: match.start()], text[match.end() :]
    if not _PREFIX_OK.match(prefix) or not _SUFFIX_OK.match(rest):
        return None
    num = match.group("num").strip()
    suffix = match.group("suffix")
    if suffix:
        return _suffixed_value(num, _SUFFIX[suffix.lower()])
    return _group_value(num)


def split_pair(text: str) -> tuple[str, str] | None:
    """``5,362 324,374,300`` (two columns read as one text) -> the two numbers' texts; None unless the
    text mixes a space with another separator (so is no number by itself) and splits at one space into
    two numbers that each use one kind of separator."""
    text = normalise(text)
    if " " not in text or not re.search(r"\d[,.']\d", text) or parse_number(text) is not None:
        return None
    tokens = text.split(" ")
    for k in range(1, len(tokens)):
        first, second = " ".join(tokens[:k]), " ".join(tokens[k:])
        if parse_number(first) is not None and parse_number(second) is not None:
            return first, second
    return None


def has_digits(text: str) -> bool:
    return any(ch.isdigit() for ch in text)
