"""Counters and rules on hand-made readings, on DuckDB and PostgreSQL: exact numbers, no OCR."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from looplab.alliance.books import DayValues, compute_counters, implausible
from looplab.alliance.models import Reading
from looplab.alliance.rules import Rules, RulesError, parse_toml, to_toml
from tests.alliance.books_helpers import D1, D2, D3, D4, book, counters_by_name, open_platform, row, set_rules


@pytest.fixture
def platform(database_url, tmp_path):
    opened = open_platform(database_url, tmp_path)
    yield opened
    opened.close()


def test_counters_afk_low_streak_totals_and_trend(platform):
    set_rules(platform, columns=["points", "attacks"], afk_column="attacks", low_column="points", low_below=100)
    book(platform, D1, row("Ana", 500, 3), row("Bob", 50, 0), row("Cé [X]", 90, 2))
    book(platform, D2, row("Ana", 600, 4), row("Bob", 40, 1))  # Cé absent: AFK
    book(platform, D3, row("Ana", 700, 0), row("Bob", 300, 2))  # Ana 0 attacks: AFK
    book(platform, D4, row("Ana", 800, 0), row("Bob", 20, 2))
    stats = counters_by_name(platform)
    assert set(stats) == {"Ana", "Bob", "Cé [X]"}  # accents and tags kept as read
    ana, bob, ce = stats["Ana"], stats["Bob"], stats["Cé [X]"]
    assert (ana.days_seen, ana.days_afk, ana.afk_streak, ana.days_low) == (4, 2, 2, 0)
    assert ana.totals == {"points": 2600, "attacks": 7}
    assert ana.averages == {"points": 650.0, "attacks": 1.75}
    assert ana.trend["points"] == [500, 600, 700, 800]
    assert (bob.days_afk, bob.afk_streak, bob.days_low) == (1, 0, 2)  # D1 AFK (not also low); D2, D4 low
    assert [d.isoformat() for d in bob.low_days] == ["2025-11-12", "2025-11-14"]
    assert (ce.days_seen, ce.days_afk, ce.afk_streak, ce.longest_afk_streak, ce.days_low) == (1, 3, 3, 3, 1)
    assert ce.trend["points"] == [90, None, None, None]
    assert ce.latest == {"points": 90, "attacks": 2}


def test_rebooking_a_day_replaces_it_without_double_counting(platform):
    set_rules(platform, columns=["points"])
    book(platform, D1, row("Ana", 100), row("Bob", 200))
    book(platform, D2, row("Ana", 150), row("Bob", 250))
    book(platform, D2, row("Ana", 160), row("Bob", 260))  # the same day ingested again, corrected
    book(platform, D2, row("Ana", 160), row("Bob", 260))
    with platform.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Reading)) == 4
    stats = counters_by_name(platform)
    assert stats["Ana"].totals == {"points": 260}
    assert stats["Bob"].trend["points"] == [200, 260]
    assert stats["Bob"].days_seen == 2


def test_absence_is_not_afk_when_the_rule_says_so(platform):
    set_rules(platform, columns=["points"], afk_if_absent=False)
    book(platform, D1, row("Ana", 1), row("Bob", 2))
    book(platform, D2, row("Ana", 1))
    assert counters_by_name(platform)["Bob"].days_afk == 0


def test_low_participation_by_percentile():
    rules = Rules(columns=["points"], low_column="points", low_percentile=25, afk_if_absent=False)
    readings = [DayValues(f"m{i}", D1, [v]) for i, v in enumerate([10, 20, 30, 40, 1000])]
    stats = compute_counters(rules, [D1], {f"m{i}": None for i in range(5)}, readings)
    # the 25th percentile of 10..1000 is 20: only 10 is under it
    assert [m for m, c in stats.items() if c.days_low] == ["m0"]


def test_member_joining_later_is_not_afk_before_their_first_day():
    rules = Rules(columns=["points"])
    readings = [DayValues("old", D1, [1]), DayValues("old", D2, [1]), DayValues("new", D2, [5])]
    stats = compute_counters(rules, [D1, D2], {"old": None, "new": D2}, readings)
    assert (stats["new"].days_tracked, stats["new"].days_afk) == (1, 0)


def test_implausible_values():
    rules = Rules(columns=["total", "points"], cumulative_columns=["total"], implausible_factor=100)
    history = [[1000, 50], [1100, 60], [1200, 55]]
    assert implausible(rules, [1300, 58], history) == []
    assert "went down" in implausible(rules, [900, 58], history)[0]
    assert "more than 100x" in implausible(rules, [1300, 5_500_000], history)[0]
    assert implausible(rules, [1300, 0], history) == []  # zero is a legitimate (AFK) value
    assert implausible(rules, [5, 1], []) == []  # no history, nothing to compare with


def test_rules_toml_round_trip_and_errors():
    rules = Rules(columns=["points", "attacks"], afk_column="attacks", low_column="points", low_percentile=10)
    parsed = parse_toml(to_toml(rules) + '\n[alliances.second]\ncolumns = ["power"]\n')
    assert parsed["default"] == rules
    assert parsed["second"].columns == ["power"]
    with pytest.raises(RulesError, match="afk_column"):
        Rules.from_dict({"columns": ["points"], "afk_column": "attacks"})
    with pytest.raises(RulesError, match="unknown rule"):
        Rules.from_dict({"colums": ["points"]})
    with pytest.raises(RulesError, match="TOML"):
        parse_toml("columns = [")
