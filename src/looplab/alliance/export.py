"""CSV and Excel exports of the members (with counters) and of every reading."""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from looplab.alliance.models import DEFAULT_ALLIANCE, Member, Reading
from looplab.alliance.views import members_table


def members_rows(session: Session, alliance: str = DEFAULT_ALLIANCE) -> list[list[Any]]:
    table = members_table(session, alliance)
    columns = table["columns"]
    header = ["member", "aliases", "first_day", "days_seen", "days_afk", "days_low", "afk_streak"]
    header += [f"{c}_total" for c in columns] + [f"{c}_average" for c in columns] + [f"{c}_latest" for c in columns]
    rows: list[list[Any]] = [header]
    for m in table["members"]:
        rows.append(
            [m["name"], "; ".join(m["aliases"]), m["first_day"] or "", m.get("days_seen", 0), m.get("days_afk", 0)]
            + [m.get("days_low", 0), m.get("afk_streak", 0)]
            + [m.get("totals", {}).get(c, 0) for c in columns]
            + [m.get("averages", {}).get(c) for c in columns]
            + [m.get("latest", {}).get(c) for c in columns]
        )
    return rows


def readings_rows(session: Session, alliance: str = DEFAULT_ALLIANCE) -> list[list[Any]]:
    from looplab.alliance.rules import load_rules

    rules = load_rules(session, alliance)
    names = {m.id: m.display_name for m in session.scalars(select(Member).where(Member.alliance == alliance))}
    readings = list(session.scalars(select(Reading).where(Reading.alliance == alliance).order_by(Reading.day)))
    width = max([len(r.numbers) for r in readings] + [len(rules.columns)])
    columns = [rules.columns[i] if i < len(rules.columns) else f"col{i + 1}" for i in range(width)]
    rows: list[list[Any]] = [["day", "member", "name_read", *columns, *(f"{c}_confidence" for c in columns), "source"]]
    for r in sorted(readings, key=lambda r: (r.day, names.get(r.member_id, ""))):
        numbers = list(r.numbers) + [None] * (width - len(r.numbers))
        confidences = list(r.confidences) + [None] * (width - len(r.confidences))
        rows.append([r.day.isoformat(), names.get(r.member_id, "?"), r.name_read, *numbers, *confidences, r.source])
    return rows


def to_csv(rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(["" if v is None else _cell(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read accents right


def to_xlsx(sheets: dict[str, list[list[Any]]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append([_cell(v) for v in row])
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    """Text that starts like a formula is written as text (names are user input)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
