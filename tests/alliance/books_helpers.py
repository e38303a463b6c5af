"""Helpers for the books tests: a platform on any database URL, hand-made reader rows, booking a day."""

from __future__ import annotations

from datetime import date

from looplab.alliance.reader import Row
from looplab.alliance.rules import Rules, save_rules

D1, D2, D3, D4 = (date(2025, 11, d) for d in (11, 12, 13, 14))


def open_platform(database_url: str, tmp_path):  # noqa: ANN001, ANN201
    from looplab.platform import Platform
    from looplab.settings import Settings

    settings = Settings(
        data_dir=tmp_path / "data",
        input_dir=tmp_path / "input",
        database_url=database_url,
        secret_key="test-secret-key",
        db_connect_attempts=2,
        db_connect_delay_s=0.1,
    )
    return Platform.open(settings)


def row(name: str, *numbers: int | None, review: bool = False, confidence: float = 95.0) -> Row:
    """A reader row as the reader would return it, without boxes (no OCR needed)."""
    return Row(
        name=name,
        numbers=list(numbers),
        confidences=[confidence] * (len(numbers) + 1),
        boxes=[],
        needs_review=review,
        reasons=["number read with low confidence"] if review else [],
    )


def set_rules(platform, **changes) -> Rules:  # noqa: ANN001
    rules = Rules(**{**Rules().to_dict(), **changes}).validate()
    with platform.db.session() as session:
        save_rules(session, rules)
    return rules


def book(platform, day: date, *rows: Row):  # noqa: ANN001, ANN201
    from looplab.alliance.service import book_day

    with platform.db.session() as session:
        return book_day(session, day, list(rows))


def counters_by_name(platform) -> dict:  # noqa: ANN001
    from looplab.alliance.service import counters, roster

    with platform.db.session() as session:
        names = {m.id: m.display_name for m in roster(session)}
        return {names[k]: v for k, v in counters(session).items()}
