"""Counters over the books: days AFK, days low, AFK streak, totals, averages and per-day trends.

Plain functions over rows already loaded from the database, so the arithmetic is exact and testable.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from looplab.alliance.rules import Rules


@dataclass
class DayValues:
    """What the books hold for one member on one day."""

    member_id: str
    day: date
    numbers: list[int | None]


@dataclass
class MemberCounters:
    member_id: str
    days_tracked: int = 0  # alliance days since the member's first day
    days_seen: int = 0
    days_afk: int = 0
    days_low: int = 0
    afk_streak: int = 0  # consecutive AFK days up to the latest alliance day
    longest_afk_streak: int = 0
    totals: dict[str, int] = field(default_factory=dict)
    averages: dict[str, float | None] = field(default_factory=dict)
    latest: dict[str, int | None] = field(default_factory=dict)
    trend: dict[str, list[int | None]] = field(default_factory=dict)  # one value per day in ``days``
    days: list[date] = field(default_factory=list)
    afk_days: list[date] = field(default_factory=list)
    low_days: list[date] = field(default_factory=list)


def column_names(rules: Rules, width: int) -> list[str]:
    """The rules' names for the first columns, ``col<N>`` for any further ones."""
    return [rules.columns[i] if i < len(rules.columns) else f"col{i + 1}" for i in range(width)]


def _value(numbers: list[int | None], index: int | None) -> int | None:
    if index is None or index >= len(numbers):
        return None
    return numbers[index]


def low_thresholds(rules: Rules, readings: Iterable[DayValues]) -> dict[date, float]:
    """Per day, the value under which a reading counts as low participation (fixed and/or percentile)."""
    index = rules.index(rules.low_column)
    if index is None or (rules.low_below is None and rules.low_percentile is None):
        return {}
    per_day: dict[date, list[int]] = defaultdict(list)
    for reading in readings:
        value = _value(reading.numbers, index)
        if value is not None:
            per_day[reading.day].append(value)
    thresholds = {}
    for day, values in per_day.items():
        limits = []
        if rules.low_below is not None:
            limits.append(rules.low_below)
        if rules.low_percentile is not None and values:
            limits.append(float(np.percentile(values, rules.low_percentile)))
        thresholds[day] = max(limits)
    return thresholds


def is_afk(rules: Rules, numbers: list[int | None] | None) -> bool:
    if numbers is None:
        return rules.afk_if_absent
    value = _value(numbers, rules.index(rules.afk_column))
    return value is not None and value <= rules.afk_max


def compute_counters(
    rules: Rules,
    days: Iterable[date],
    first_days: dict[str, date | None],
    readings: Iterable[DayValues],
    pending: Iterable[tuple[str, date]] = (),
) -> dict[str, MemberCounters]:
    """Counters for every member in ``first_days`` (member id -> first day, None: from the first day).

    ``days`` are the alliance's booked days; a member is absent on a day without a reading, except where a
    reading of theirs waits in review (``pending``: (member id, day)), which counts neither way.
    """
    days = sorted(set(days))
    readings = list(readings)
    by_member: dict[str, dict[date, list[int | None]]] = defaultdict(dict)
    width = 0
    for reading in readings:
        by_member[reading.member_id][reading.day] = reading.numbers
        width = max(width, len(reading.numbers))
    names = column_names(rules, max(width, len(rules.columns)))
    thresholds = low_thresholds(rules, readings)
    low_index = rules.index(rules.low_column)
    waiting = set(pending)
    result = {}
    for member_id, first in first_days.items():
        own = by_member.get(member_id, {})
        start = first or (min(own) if own else None)
        tracked = [d for d in days if start is None or d >= start]
        counters = MemberCounters(member_id=member_id, days_tracked=len(tracked), days=tracked)
        streak = 0
        for day in tracked:
            numbers = own.get(day)
            if numbers is None and (member_id, day) in waiting:
                streak = 0
                continue
            if numbers is not None:
                counters.days_seen += 1
            if is_afk(rules, numbers):
                counters.days_afk += 1
                counters.afk_days.append(day)
                streak += 1
                counters.longest_afk_streak = max(counters.longest_afk_streak, streak)
                continue
            streak = 0
            value = _value(numbers or [], low_index)
            if value is not None and day in thresholds and value < thresholds[day]:
                counters.days_low += 1
                counters.low_days.append(day)
        counters.afk_streak = streak
        for i, name in enumerate(names):
            series = [_value(own[d], i) if d in own else None for d in tracked]
            present = [v for v in series if v is not None]
            counters.trend[name] = series
            counters.totals[name] = int(sum(present))
            counters.averages[name] = round(float(np.mean(present)), 2) if present else None
            counters.latest[name] = next((v for v in reversed(series) if v is not None), None)
        result[member_id] = counters
    return result


def implausible(
    rules: Rules, numbers: list[int | None], history: list[list[int | None]], names: list[str] | None = None
) -> list[str]:
    """Reasons why ``numbers`` do not fit the member's earlier days (``history``, oldest first)."""
    if not history:
        return []
    names = names or column_names(rules, len(numbers))
    reasons = []
    for i, value in enumerate(numbers):
        if value is None:
            continue
        name = names[i] if i < len(names) else f"col{i + 1}"
        earlier = [h[i] for h in history if i < len(h) and h[i] is not None]
        if not earlier:
            continue
        if name in rules.cumulative_columns and value < earlier[-1]:
            reasons.append(f"{name} went down from {earlier[-1]} to {value} (a counter that only grows)")
            continue
        usual = float(np.median(earlier))
        factor = rules.implausible_factor
        if usual > 0 and value > usual * factor:
            reasons.append(f"{name} {value} is more than {factor:g}x the usual {usual:g}")
        elif value > 0 and usual >= factor and value * factor < usual:
            reasons.append(f"{name} {value} is less than 1/{factor:g} of the usual {usual:g}")
    return reasons
