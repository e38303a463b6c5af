"""Analytics over stored rounds: words, categories, players, model versions, confusion, gallery.

Aggregates are computed in Python over a bounded window of recent rounds, so they read the same on
DuckDB and PostgreSQL.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import defer

from looplab.auth.models import User
from looplab.learning.registry_models import ModelVersion
from looplab.pictionary.models import PictionaryGame, PictionaryRound
from looplab.pictionary.service import round_dict

if TYPE_CHECKING:
    from looplab.storage.db import Database

WINDOW = 20_000  # most recent rounds looked at by aggregates
LIGHT = (defer(PictionaryRound.strokes), defer(PictionaryRound.raw_strokes))  # strokes stay in the database


def _recent_rounds(db: Database, limit: int = WINDOW, *where: Any) -> list[PictionaryRound]:
    query = select(PictionaryRound).options(*LIGHT).order_by(PictionaryRound.ended_at.desc()).limit(limit)
    for clause in where:
        query = query.where(clause)
    with db.session() as session:
        return list(session.scalars(query))


def _summary(rounds: list[PictionaryRound]) -> dict[str, Any]:
    times = [r.time_ms for r in rounds if r.recognized and r.time_ms is not None]
    return {
        "rounds": len(rounds),
        "recognized": sum(r.recognized for r in rounds),
        "recognition_rate": round(sum(r.recognized for r in rounds) / len(rounds), 4) if rounds else None,
        "median_time_ms": int(statistics.median(times)) if times else None,
        "mean_attempts": round(statistics.fmean(r.attempts for r in rounds), 3) if rounds else None,
    }


def word_stats(db: Database, min_rounds: int = 1) -> list[dict[str, Any]]:
    """Per word, hardest first: lowest recognition rate, then slowest median time."""
    by_word: dict[str, list[PictionaryRound]] = defaultdict(list)
    for row in _recent_rounds(db, WINDOW, PictionaryRound.play_mode == "play"):
        by_word[row.word].append(row)
    out = [
        {"word": word, "category": rows[0].category, **_summary(rows)}
        for word, rows in by_word.items()
        if len(rows) >= min_rounds
    ]
    out.sort(key=lambda s: (s["recognition_rate"], -(s["median_time_ms"] or 10**9), s["word"]))
    return out


def category_stats(db: Database) -> list[dict[str, Any]]:
    by_category: dict[str, list[PictionaryRound]] = defaultdict(list)
    for row in _recent_rounds(db, WINDOW, PictionaryRound.play_mode == "play"):
        by_category[row.category].append(row)
    out = [
        {"category": cat, "words": len({r.word for r in rows}), **_summary(rows)} for cat, rows in by_category.items()
    ]
    return sorted(out, key=lambda s: (s["recognition_rate"], s["category"]))


def player_history(db: Database, user_id: str, limit: int = 50) -> dict[str, Any]:
    """A player's finished games over time (progress) and per-word results."""
    with db.session() as session:
        games = list(
            session.scalars(
                select(PictionaryGame)
                .where(PictionaryGame.user_id == user_id, PictionaryGame.state == "finished")
                .order_by(PictionaryGame.finished_at.desc())
                .limit(limit)
            )
        )
        name = session.scalar(select(User.name).where(User.id == user_id))
    rounds = _recent_rounds(db, 5000, PictionaryRound.user_id == user_id)
    per_word: dict[str, list[PictionaryRound]] = defaultdict(list)
    for row in rounds:
        per_word[row.word].append(row)
    return {
        "player": name,
        "games": [
            {
                "game_id": g.id,
                "finished_at": g.finished_at,
                "recognized": g.recognized_count,
                "rounds": g.rounds_played,
                "total_ms": g.total_ms,
            }
            for g in reversed(games)
        ],
        "overall": _summary(rounds),
        "words": sorted(({"word": w, **_summary(rs)} for w, rs in per_word.items()), key=lambda s: s["word"]),
    }


def players(db: Database, limit: int = 200) -> list[dict[str, Any]]:
    by_user: dict[str, list[PictionaryRound]] = defaultdict(list)
    for row in _recent_rounds(db):
        by_user[row.user_id].append(row)
    with db.session() as session:
        names = dict(session.execute(select(User.id, User.name).where(User.id.in_(list(by_user)))).all())
    out = [{"user_id": uid, "player": names.get(uid, "?"), **_summary(rows)} for uid, rows in by_user.items()]
    return sorted(out, key=lambda s: -s["rounds"])[:limit]


def user_id_of(db: Database, name: str) -> str | None:
    with db.session() as session:
        return session.scalar(select(User.id).where(User.name == name))


def model_stats(db: Database) -> list[dict[str, Any]]:
    """Every pictionary model version with its offline metrics and how it did in live rounds."""
    with db.session() as session:
        versions = list(
            session.scalars(select(ModelVersion).where(ModelVersion.app == "pictionary").order_by(ModelVersion.version))
        )
    live: dict[str, list[PictionaryRound]] = defaultdict(list)
    for row in _recent_rounds(db, WINDOW, PictionaryRound.play_mode == "play"):
        if row.model_version_id:
            live[row.model_version_id].append(row)
    out = []
    for v in versions:
        metrics = v.metrics or {}
        out.append(
            {
                "id": v.id,
                "version": v.version,
                "status": v.status,
                "created_at": v.created_at,
                "promoted_at": v.promoted_at,
                "holdout_top1": _holdout_top1(metrics),
                "player_top1": metrics.get("player_top1"),
                "live": _summary(live.get(v.id, [])),
                "notes": v.notes,
            }
        )
    return out


def _holdout_top1(metrics: dict[str, Any]) -> float | None:
    if isinstance(metrics.get("holdout_top1"), int | float):
        return float(metrics["holdout_top1"])
    for key in ("holdout_bitmaps", "holdout"):
        value = metrics.get(key)
        if isinstance(value, dict) and isinstance(value.get("top1"), int | float):
            return float(value["top1"])
    return None


def confusion(db: Database, limit: int = 2000) -> dict[str, Any]:
    """Word drawn vs. the model's final top guess over recent play rounds (rows: drawn, columns: guessed)."""
    rows = _recent_rounds(db, limit, PictionaryRound.play_mode == "play", PictionaryRound.flagged.is_(False))
    pairs = Counter()
    for row in rows:
        guessed = row.final_guesses[0][0] if row.final_guesses else "(nothing)"
        pairs[(row.word, guessed)] += 1
    labels = sorted({w for w, _ in pairs} | {g for _, g in pairs})
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for (word, guessed), n in pairs.items():
        matrix[index[word]][index[guessed]] = n
    return {"labels": labels, "matrix": matrix, "rounds": len(rows)}


def gallery(
    db: Database, word: str | None = None, limit: int = 60, *, flagged: bool | None = None
) -> list[dict[str, Any]]:
    where = [PictionaryRound.bitmap_key.is_not(None)]
    if word:
        where.append(PictionaryRound.word == word)
    if flagged is not None:
        where.append(PictionaryRound.flagged.is_(flagged))
    return [round_dict(r) for r in _recent_rounds(db, limit, *where)]
