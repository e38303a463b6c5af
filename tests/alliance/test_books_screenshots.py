"""A day booked from several screenshots' stored rows (merged, members once), on DuckDB and PostgreSQL."""

from __future__ import annotations

import pytest

from looplab.alliance.ingest import rebook_day
from looplab.alliance.models import Screenshot
from looplab.alliance.service import row_to_dict
from looplab.imaging.regions import Box
from tests.alliance.books_helpers import D1, counters_by_name, open_platform, row, set_rules


@pytest.fixture
def platform(database_url, tmp_path):
    opened = open_platform(database_url, tmp_path)
    yield opened
    opened.close()


def _shot(name: str, rows, crops_prefix: str) -> Screenshot:
    stored = []
    for i, r in enumerate(rows):
        r.boxes = [Box(0, 100 * i, 50, 20) for _ in range(len(r.numbers) + 1)]
        stored.append(row_to_dict(r, [f"sha256/00/{crops_prefix}{i}_{k}.png" for k in range(len(r.boxes))]))
    return Screenshot(content_hash=name * 8, day=D1, source_name=name, status="booked", rows=stored, blob_key="k")


def test_overlapping_screenshots_of_a_day_count_each_member_once(platform):
    set_rules(platform, columns=["points"])
    with platform.db.session() as session:
        session.add(_shot("a", [row("Ana", 10), row("Bob", 20), row("Cé", 30)], "a"))
        session.add(_shot("b", [row("Cé", 30), row("Dan", 40)], "b"))
        session.flush()
        result = rebook_day(session, "default", D1)
    assert (result.booked, result.review) == (4, 0)
    stats = counters_by_name(platform)
    assert {name: c.totals["points"] for name, c in stats.items()} == {"Ana": 10, "Bob": 20, "Cé": 30, "Dan": 40}
    with platform.db.session() as session:  # booking again changes nothing
        again = rebook_day(session, "default", D1)
    assert again.booked == 4 and counters_by_name(platform)["Cé"].days_seen == 1


def test_readings_keep_the_crop_of_each_value(platform):
    from sqlalchemy import select

    from looplab.alliance.models import Reading

    set_rules(platform, columns=["points", "kills"])
    with platform.db.session() as session:
        session.add(_shot("c", [row("Ana", 10, 3)], "c"))
        session.flush()
        rebook_day(session, "default", D1)
    with platform.db.session() as session:
        reading = session.scalar(select(Reading))
    assert reading.name_crop == "sha256/00/c0_0.png"
    assert reading.crops == ["sha256/00/c0_1.png", "sha256/00/c0_2.png"]
    assert reading.numbers == [10, 3] and reading.confidences == [95.0, 95.0]
