"""Review routing and resolution, renames and merges, alerts, on DuckDB and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from looplab.alliance import alerts, service
from looplab.alliance.models import Member, Reading, ReviewItem
from looplab.alliance.reader import Row
from looplab.notify.models import Notification
from tests.alliance.books_helpers import D1, D2, D3, D4, book, counters_by_name, open_platform, row, set_rules


@pytest.fixture
def platform(database_url, tmp_path):
    opened = open_platform(database_url, tmp_path)
    yield opened
    opened.close()


def _open_items(platform) -> list[ReviewItem]:
    with platform.db.session() as session:
        return list(
            session.scalars(select(ReviewItem).where(ReviewItem.status == "open").order_by(ReviewItem.name_read))
        )


def _member(platform, name: str) -> Member:
    with platform.db.session() as session:
        return session.scalar(select(Member).where(Member.display_name == name))


def test_first_day_builds_the_roster_then_new_and_uncertain_names_go_to_review(platform):
    set_rules(platform, columns=["points"])
    first = book(platform, D1, row("Ana", 10), row("Wolfgang", 20), row("Doubtful", 5, review=True))
    assert (first.booked, first.review, sorted(first.new_members)) == (2, 1, ["Ana", "Wolfgang"])
    second = book(platform, D2, row("Ana", 11), row("W0lfgang", 21), row("Wolfgxng", 22), row("Zed", 1))
    # "W0lfgang" folds to the same key as "Wolfgang": booked; "Wolfgxng" is close but not sure; "Zed" is new
    assert (second.booked, second.review) == (2, 2)
    items = {i.name_read: i for i in _open_items(platform) if i.day == D2}
    assert items["Zed"].kind == "name" and items["Zed"].member_id is None
    assert items["Wolfgxng"].kind == "name"
    assert items["Wolfgxng"].member_id == _member(platform, "Wolfgang").id
    assert items["Wolfgxng"].candidates[0]["name"] == "Wolfgang"


def test_row_the_reader_doubts_goes_to_review_not_the_books(platform):
    set_rules(platform, columns=["points"])
    book(platform, D1, row("Ana", 10), row("Bob", 20))
    result = book(platform, D2, row("Ana", 12), row("Bob", 99, review=True))
    assert (result.booked, result.review) == (1, 1)
    [item] = _open_items(platform)
    assert (item.kind, item.numbers) == ("reader", [99])
    assert counters_by_name(platform)["Bob"].totals == {"points": 20}


def test_implausible_values_go_to_review_and_an_accepted_one_survives_reingest(platform):
    set_rules(platform, columns=["total", "points"], cumulative_columns=["total"])
    book(platform, D1, row("Ana", 1000, 50), row("Bob", 2000, 40))
    book(platform, D2, row("Ana", 1100, 60), row("Bob", 2100, 45))
    result = book(platform, D3, row("Ana", 900, 60), row("Bob", 2200, 4_500_000))
    assert (result.booked, result.review) == (0, 2)
    items = {i.name_read: i for i in _open_items(platform)}
    assert "went down" in items["Ana"].reasons[0]
    assert "more than 100x" in items["Bob"].reasons[0]
    assert counters_by_name(platform)["Ana"].totals["total"] == 2100  # nothing booked for D3
    with platform.db.session() as session:
        service.resolve_assign(session, items["Ana"].id, user="officer")
        service.dismiss(session, items["Bob"].id)
    assert counters_by_name(platform)["Ana"].trend["total"] == [1000, 1100, 900]
    again = book(platform, D3, row("Ana", 900, 60), row("Bob", 2200, 4_500_000))
    assert (again.booked, again.review) == (1, 1)  # Ana's accepted reading stays accepted; Bob asks again


def test_assigning_a_name_adds_an_alias_and_new_member_books_the_reading(platform):
    set_rules(platform, columns=["points"])
    book(platform, D1, row("Ana", 10), row("Wolfgang", 20))
    book(platform, D2, row("Ana", 11), row("Wolfi", 21), row("Zed", 3))
    items = {i.name_read: i for i in _open_items(platform)}
    wolfgang = _member(platform, "Wolfgang")
    with platform.db.session() as session:
        service.resolve_assign(session, items["Wolfi"].id, wolfgang.id)
        service.resolve_new_member(session, items["Zed"].id, name="Zed [ABC]")
    assert _member(platform, "Wolfgang").aliases == ["Wolfi"]
    stats = counters_by_name(platform)
    assert stats["Wolfgang"].trend["points"] == [20, 21]
    assert stats["Zed [ABC]"].trend["points"] == [3]  # tracked from its first day only
    # next day the alias and the new member match directly
    result = book(platform, D3, row("Ana", 12), row("Wolfi", 22), row("Zed [ABC]", 4))
    assert (result.booked, result.review) == (3, 0)
    with platform.db.session() as session, pytest.raises(service.BooksError, match="already"):
        service.dismiss(session, items["Zed"].id)


def test_a_row_whose_name_was_not_read_is_named_in_review(platform):
    set_rules(platform, columns=["points"])
    book(platform, D1, row("Ana", 10), row("⸸WRATH⸸", 20))
    nameless = Row("", [21], [0.0, 95.0], [], True, ["name not read: numbers where the screen's other rows have them"])
    result = book(platform, D2, row("Ana", 11), nameless)
    assert (result.booked, result.review) == (1, 1)
    [item] = _open_items(platform)
    assert item.name_read == "" and any("name not read" in r for r in item.reasons)
    with platform.db.session() as session, pytest.raises(service.BooksError, match="no name"):
        service.resolve_new_member(session, item.id)
    with platform.db.session() as session:
        assert service.resolve_all_new(session) == []  # a nameless row is never made a member by itself
    with platform.db.session() as session:
        service.resolve_assign(session, item.id, _member(platform, "⸸WRATH⸸").id)
    assert counters_by_name(platform)["⸸WRATH⸸"].trend["points"] == [20, 21]
    assert _member(platform, "⸸WRATH⸸").aliases == []  # an empty read is no alias


def test_same_member_twice_on_one_day_is_booked_once(platform):
    set_rules(platform, columns=["points"])
    book(platform, D1, row("Ana", 10))
    result = book(platform, D2, row("Ana", 11), row("Ana", 99))
    assert (result.booked, result.review) == (1, 1)
    assert _open_items(platform)[0].kind == "duplicate"


def test_rename_and_merge_keep_history(platform):
    set_rules(platform, columns=["points"])
    book(platform, D1, row("Ana", 10), row("Bob", 20))
    with platform.db.session() as session:
        ana = session.scalar(select(Member).where(Member.display_name == "Ana"))
        service.rename_member(session, ana.id, "Anastasia")
        second = service.create_member(session, "Ana alt")
    book(platform, D2, row("Ana", 11), row("Bob", 21))  # the old name still matches through the alias
    with platform.db.session() as session:
        session.add(Reading(member_id=second.id, day=D3, numbers=[12], confidences=[90.0], crops=[None]))
        session.add(Reading(member_id=second.id, day=D2, numbers=[999], confidences=[90.0], crops=[None]))
        target = service.merge_members(session, second.id, ana.id)
        assert [h["event"] for h in target.history] == ["created", "renamed", "merged"]
    stats = counters_by_name(platform)
    assert "Ana alt" not in stats
    assert stats["Anastasia"].trend["points"] == [10, 11, 12]  # D2 kept the target's own reading
    merged = _member(platform, "Anastasia")
    assert set(merged.aliases) == {"Ana", "Ana alt"}
    with platform.db.session() as session, pytest.raises(service.BooksError):
        service.merge_members(session, ana.id, ana.id)


def test_afk_streak_alert_and_daily_summary(platform):
    set_rules(platform, columns=["points", "attacks"], afk_column="attacks", afk_alert_days=2)
    results = [book(platform, D1, row("Ana", 10, 1), row("Bob", 20, 1))]
    alerts.after_ingest(platform, "default", results)
    alerts.after_ingest(platform, "default", [book(platform, D2, row("Ana", 10, 1), row("Bob", 20, 0))])
    sent = alerts.after_ingest(platform, "default", [book(platform, D3, row("Ana", 10, 1))])
    assert "Alliance: Bob AFK for 2 days in a row" in sent
    sent = alerts.after_ingest(platform, "default", [book(platform, D4, row("Ana", 10, 1))])
    assert not any("AFK for" in title for title in sent)  # one alert per streak, not one a day
    with platform.db.session() as session:
        events = [n.event for n in session.scalars(select(Notification).order_by(Notification.created_at))]
    assert events.count("alliance_afk") == 1
    assert events.count("alliance_daily") == 4


def test_all_plain_new_names_become_members_at_once(platform):
    set_rules(platform, columns=["points"])
    book(platform, D1, row("Ana", 10))
    book(platform, D2, row("Ana", 11), row("Zed", 1), row("Yuki", 2), row("Doubt", 3, review=True))
    book(platform, D3, row("Ana", 12), row("Zed", 4))
    with platform.db.session() as session:
        created = service.resolve_all_new(session)
    assert sorted(created) == ["Yuki", "Zed"]
    stats = counters_by_name(platform)
    assert stats["Zed"].trend["points"] == [1, 4]  # both days, one member
    assert [i.name_read for i in _open_items(platform)] == ["Doubt"]  # a reader doubt still needs a person
