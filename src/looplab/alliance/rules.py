"""An alliance's rules: what each number column means, what counts as AFK or low participation, when a
value is implausible and when to alert. Kept as a JSON document in the database; editable in the console
or as a TOML file (``<input_dir>/rules.toml``: top-level keys for the default alliance,
``[alliances.NAME]`` tables for others)."""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from sqlalchemy.orm import Session

from looplab.alliance.models import DEFAULT_ALLIANCE, RuleSet
from looplab.errors import AppError
from looplab.storage.base import utcnow


class RulesError(AppError, ValueError):
    """Rules that do not make sense; ``str(err)`` says which field and why."""

    status = 422


@dataclass
class Rules:
    # Names of the number positions, left to right as the reader returns them (e.g. ["rank", "points"]).
    columns: list[str] = field(default_factory=lambda: ["points"])
    # AFK: absent from the day's list, and/or a column at or under a value (e.g. attacks <= 0).
    afk_if_absent: bool = True
    afk_column: str = ""
    afk_max: float = 0
    # Low participation: a column under a fixed threshold and/or under a percentile of that day's values.
    low_column: str = ""
    low_below: float | None = None
    low_percentile: float | None = None
    # Plausibility: counters that only grow, and how far a value may stray from the member's usual.
    cumulative_columns: list[str] = field(default_factory=list)
    implausible_factor: float = 100.0
    # Names: at or above ``name_accept`` a fuzzy match books directly; under it the row goes to review.
    name_accept: float = 90.0
    # Bootstrapping: when an alliance has no members yet, confident names become members.
    auto_add_first_day: bool = True
    # Alerts: notify when a member's AFK streak reaches this many days (0: never); a summary after each day.
    afk_alert_days: int = 3
    daily_summary: bool = True

    def index(self, column: str) -> int | None:
        """Position of a named column, None when the name is empty or unknown."""
        return self.columns.index(column) if column and column in self.columns else None

    def validate(self) -> Rules:
        if not self.columns or any(not isinstance(c, str) or not c.strip() for c in self.columns):
            raise RulesError("columns: give at least one column name, none empty")
        if len(set(self.columns)) != len(self.columns):
            raise RulesError("columns: names must be different")
        for name in ("afk_column", "low_column"):
            value = getattr(self, name)
            if value and value not in self.columns:
                raise RulesError(f"{name}: {value!r} is not one of the columns {self.columns}")
        for value in self.cumulative_columns:
            if value not in self.columns:
                raise RulesError(f"cumulative_columns: {value!r} is not one of the columns {self.columns}")
        if self.low_percentile is not None and not 0 < self.low_percentile < 100:
            raise RulesError("low_percentile: must be between 0 and 100")
        if self.implausible_factor <= 1:
            raise RulesError("implausible_factor: must be more than 1")
        if not 0 <= self.name_accept <= 100:
            raise RulesError("name_accept: must be between 0 and 100")
        if self.afk_alert_days < 0:
            raise RulesError("afk_alert_days: must be 0 (off) or more")
        return self

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Rules:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise RulesError(f"unknown rule(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        try:
            rules = cls(**{**asdict(cls()), **data})
        except TypeError as err:
            raise RulesError(str(err)) from err
        for name, kind in (("afk_max", float), ("implausible_factor", float), ("name_accept", float)):
            try:
                setattr(rules, name, kind(getattr(rules, name)))
            except (TypeError, ValueError) as err:
                raise RulesError(f"{name}: not a number") from err
        for name in ("low_below", "low_percentile"):
            value = getattr(rules, name)
            if value is not None:
                try:
                    setattr(rules, name, float(value))
                except (TypeError, ValueError) as err:
                    raise RulesError(f"{name}: not a number") from err
        try:
            rules.afk_alert_days = int(rules.afk_alert_days)
        except (TypeError, ValueError) as err:
            raise RulesError("afk_alert_days: not a whole number") from err
        if not isinstance(rules.columns, list) or not isinstance(rules.cumulative_columns, list):
            raise RulesError("columns and cumulative_columns must be lists of names")
        return rules.validate()


def parse_toml(text: str) -> dict[str, Rules]:
    """Rules per alliance from a TOML document (top-level keys: the default alliance)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise RulesError(f"not valid TOML: {err}") from err
    others = data.pop("alliances", {}) or {}
    if not isinstance(others, dict):
        raise RulesError("[alliances] must be a table of tables")
    result: dict[str, Rules] = {}
    if data:
        result[DEFAULT_ALLIANCE] = Rules.from_dict(data)
    for name, table in others.items():
        if not isinstance(table, dict):
            raise RulesError(f"[alliances.{name}] must be a table")
        result[name] = Rules.from_dict(table)
    return result


def to_toml(rules: Rules) -> str:
    """A TOML rendering of one alliance's rules (None values left out: TOML has no null)."""
    lines = []
    for key, value in rules.to_dict().items():
        if value is None:
            lines.append(f"# {key} = (not set)")
        elif isinstance(value, bool):
            lines.append(f"{key} = {'true' if value else 'false'}")
        elif isinstance(value, str):
            lines.append(f'{key} = "{value}"')
        elif isinstance(value, list):
            lines.append(f"{key} = [{', '.join(repr(v).replace(chr(39), chr(34)) for v in value)}]")
        else:
            lines.append(f"{key} = {value}")
    return "\n".join(lines) + "\n"


def load_rules(session: Session, alliance: str = DEFAULT_ALLIANCE) -> Rules:
    row = session.get(RuleSet, alliance)
    if row is None:
        return Rules()
    try:
        return Rules.from_dict(row.config)
    except RulesError:
        return Rules()


def save_rules(session: Session, rules: Rules, alliance: str = DEFAULT_ALLIANCE, source: str = "console") -> Rules:
    rules.validate()
    row = session.get(RuleSet, alliance)
    if row is None:
        session.add(RuleSet(alliance=alliance, config=rules.to_dict(), source=source))
    else:
        row.config = rules.to_dict()
        row.source = source
        row.updated_at = utcnow()
    return rules
