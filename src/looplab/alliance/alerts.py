"""Alliance alerts: an AFK streak that reaches the configured length, and a summary after each ingested day."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from looplab.alliance.models import Member, ReviewItem
from looplab.alliance.rules import load_rules
from looplab.alliance.service import DayResult, booked_days, counters

if TYPE_CHECKING:
    from looplab.platform import Platform

log = logging.getLogger(__name__)


def after_ingest(platform: Platform, alliance: str, results: list[DayResult]) -> list[str]:
    """Send the alerts a batch calls for; returns their titles. Never raises into the ingest."""
    if not results:
        return []
    try:
        return _alerts(platform, alliance, results)
    except Exception:  # noqa: BLE001 - alerts must never lose an ingest
        log.exception("alliance alerts failed")
        return []


def _alerts(platform: Platform, alliance: str, results: list[DayResult]) -> list[str]:
    sent = []
    with platform.db.session() as session:
        rules = load_rules(session, alliance)
        stats = counters(session, alliance, rules)
        names = {m.id: m.display_name for m in session.scalars(select(Member).where(Member.alliance == alliance))}
        days = booked_days(session, alliance)
        open_items = session.scalar(
            select(func.count())
            .select_from(ReviewItem)
            .where(ReviewItem.alliance == alliance, ReviewItem.status == "open")
        )
    latest = days[-1] if days else None
    touched_latest = latest is not None and any(r.day == latest for r in results)
    if rules.afk_alert_days and touched_latest:
        # Only the member whose streak is exactly at the threshold today: one alert per streak, not one a day.
        reached = sorted(names[m] for m, c in stats.items() if c.afk_streak == rules.afk_alert_days)
        for name in reached:
            title = f"Alliance: {name} AFK for {rules.afk_alert_days} days in a row"
            platform.notifier.notify(
                "alliance_afk", title, f"{name} has been AFK since the last {rules.afk_alert_days} days up to {latest}."
            )
            sent.append(title)
    if rules.daily_summary:
        for result in results:
            afk = sorted(names[m] for m, c in stats.items() if result.day in c.afk_days)
            low = sorted(names[m] for m, c in stats.items() if result.day in c.low_days)
            title = f"Alliance day {result.day}: {result.booked} booked, {result.review} to review"
            body = "\n".join(
                [
                    f"AFK ({len(afk)}): {', '.join(afk) or '-'}",
                    f"Low participation ({len(low)}): {', '.join(low) or '-'}",
                    f"New members: {', '.join(result.new_members) or '-'}",
                    f"Open review items: {open_items}",
                ]
            )
            platform.notifier.notify("alliance_daily", title, body)
            sent.append(title)
    return sent
