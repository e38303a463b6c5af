"""What Pictionary does with its tables: words, games, rounds written by the server, feedback, results.

Plain functions over the platform's database and blob store; routes and the game socket stay thin.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from looplab.auth.models import User
from looplab.errors import AppError
from looplab.pictionary.models import WORD_MODES, PictionaryGame, PictionaryRound, PictionaryWord
from looplab.pictionary.words import OTHER, parse_categories, starter_words
from looplab.storage.base import utcnow

if TYPE_CHECKING:
    from looplab.platform import Platform
    from looplab.storage.db import Database

MAX_WORD = 64
STALE_GAME_S = 90  # an active game not seen for this long was left behind (closed tab, killed replica)
RESUMABLE_S = 600  # an interrupted game can be continued for this long after its last sign of life


class PictionaryError(AppError):
    status = 400


class NotFound(PictionaryError):
    status = 404


class Conflict(PictionaryError):
    status = 409


class AlreadyStored(Conflict):
    """The round is in the database already (a retried write whose first try did commit)."""


class Invalid(PictionaryError):
    status = 422


# --- words -------------------------------------------------------------------------------------------
def word_dict(row: PictionaryWord) -> dict[str, Any]:
    return {
        "id": row.id,
        "word": row.word,
        "category": row.category,
        "enabled": row.enabled,
        "mode": row.play_mode,
        "source": row.source,
    }


def ensure_starter_words(db: Database) -> int:
    """Load the bundled starter words when the table is empty (first start); returns how many were added."""
    with db.session() as session:
        if session.scalar(select(func.count()).select_from(PictionaryWord)):
            return 0
        words = starter_words()
        for word in words:
            session.add(PictionaryWord(word=word.word, category=word.category, source="starter"))
    return len(words)


def list_words(db: Database, *, enabled_only: bool = False) -> list[dict[str, Any]]:
    query = select(PictionaryWord).order_by(PictionaryWord.category, PictionaryWord.word)
    if enabled_only:
        query = query.where(PictionaryWord.enabled.is_(True))
    with db.session() as session:
        return [word_dict(row) for row in session.scalars(query)]


def _clean_word(text: str) -> str:
    word = " ".join(str(text).split()).strip()
    if not word or len(word) > MAX_WORD or any(ord(c) < 32 for c in word):
        raise Invalid(f"a word must be 1 to {MAX_WORD} printable characters")
    return word


def _mode_for(word: str, known: set[str] | None, requested: str | None) -> str:
    if requested is not None and requested not in WORD_MODES:
        raise Invalid(f"mode must be one of {', '.join(WORD_MODES)}")
    if known is not None and word not in known:
        return "teach"  # the champion cannot recognise it yet: only teach mode makes sense
    return requested or "play"


def create_word(
    db: Database, word: str, category: str, *, enabled: bool, mode: str | None, known: set[str] | None
) -> dict[str, Any]:
    word, category = _clean_word(word), _clean_word(category or OTHER)
    try:
        with db.session() as session:
            if session.scalar(select(PictionaryWord).where(func.lower(PictionaryWord.word) == word.lower())):
                raise Conflict(f"the word {word!r} exists")
            row = PictionaryWord(
                word=word, category=category, enabled=enabled, play_mode=_mode_for(word, known, mode), source="admin"
            )
            session.add(row)
    except IntegrityError as err:
        raise Conflict(f"the word {word!r} exists") from err
    return word_dict(row)


def update_word(db: Database, word_id: str, changes: dict[str, Any], known: set[str] | None) -> dict[str, Any]:
    with db.session() as session:
        row = session.get(PictionaryWord, word_id)
        if row is None:
            raise NotFound("no such word")
        if changes.get("word") is not None:
            new = _clean_word(changes["word"])
            other = session.scalar(select(PictionaryWord).where(func.lower(PictionaryWord.word) == new.lower()))
            if other is not None and other.id != row.id:
                raise Conflict(f"the word {new!r} exists")
            row.word = new
        if changes.get("category") is not None:
            row.category = _clean_word(changes["category"])
        if changes.get("enabled") is not None:
            row.enabled = bool(changes["enabled"])
        if changes.get("mode") is not None or changes.get("enabled"):
            row.play_mode = _mode_for(row.word, known, changes.get("mode") or row.play_mode)
        row.updated_at = utcnow()
    return word_dict(row)


def import_words(db: Database, text: str, known: set[str] | None) -> dict[str, Any]:
    """A ``categories.txt`` body: new words are added disabled (an admin enables them), known ones are kept."""
    parsed = parse_categories(text)
    if not parsed:
        raise Invalid("no words in the file (one Quick, Draw! category name per line)")
    added, existing = [], 0
    with db.session() as session:
        present = {w.lower() for w in session.scalars(select(PictionaryWord.word))}
        for item in parsed:
            try:
                word = _clean_word(item.word)
            except Invalid:
                continue
            if word.lower() in present:
                existing += 1
                continue
            present.add(word.lower())
            session.add(
                PictionaryWord(
                    word=word,
                    category=item.category,
                    enabled=False,
                    play_mode=_mode_for(word, known, None),
                    source="import",
                )
            )
            added.append(word)
    return {"added": len(added), "existing": existing, "words": added[:50]}


@dataclass(frozen=True)
class RoundWord:
    word: str
    category: str
    mode: str


def pick_words(db: Database, n: int, rng: random.Random | None = None) -> list[RoundWord]:
    """``n`` enabled words for a game: play words, plus at most one teach word so games stay winnable."""
    rng = rng or random.Random()
    with db.session() as session:
        rows = list(session.scalars(select(PictionaryWord).where(PictionaryWord.enabled.is_(True))))
    play = [RoundWord(r.word, r.category, "play") for r in rows if r.play_mode == "play"]
    teach = [RoundWord(r.word, r.category, "teach") for r in rows if r.play_mode == "teach"]
    if not play and not teach:
        raise Conflict("no words are enabled: an admin enables words in the console")
    picked = rng.sample(play, min(n, len(play)))
    if teach and (len(picked) < n or rng.random() < 0.5):
        picked = picked[: n - 1] + [rng.choice(teach)]
    pool = play or teach
    while len(picked) < n:
        picked.append(rng.choice(pool))
    rng.shuffle(picked)
    return picked


# --- games and rounds --------------------------------------------------------------------------------
def start_game(db: Database, user_id: str, words: list[RoundWord], session_key: str | None = None) -> PictionaryGame:
    """A new game; refused while the same player has another game running (another tab or replica).
    Starting afresh gives up the player's interrupted games."""
    now = utcnow()
    with db.session() as session:
        open_games = list(
            session.scalars(
                select(PictionaryGame).where(
                    PictionaryGame.user_id == user_id, PictionaryGame.state.in_(("active", "interrupted"))
                )
            )
        )
        for game in open_games:
            if game.state == "active" and game.last_seen_at > now - timedelta(seconds=STALE_GAME_S):
                raise Conflict("you are already playing a game in another window: finish it there first")
            game.state = "abandoned"
            game.finished_at = now
        game = PictionaryGame(
            user_id=user_id,
            words=[w.word for w in words],
            started_at=now,
            last_seen_at=now,
            session_key=session_key,
        )
        session.add(game)
    return game


@dataclass(frozen=True)
class ResumedGame:
    game_id: str
    words: list[RoundWord]
    next_round: int  # 1-based; past the last round when every round is stored (the game is then finished)


def resume_game(db: Database, game_id: str, user_id: str, session_key: str) -> ResumedGame:
    """Hand the player's unfinished game to a new connection (any replica), which plays its next round.

    The round that was running when the old connection went away was never stored, so it is played again.
    The new ``session_key`` fences off the old connection: if it is still alive somewhere, its writes are refused.
    """
    now = utcnow()
    with db.session() as session:
        game = session.get(PictionaryGame, game_id)
        if game is None or game.user_id != user_id:
            raise NotFound("no such game of yours")
        if game.state not in ("active", "interrupted"):
            raise Conflict(f"that game is {game.state}: start a new one")
        if game.last_seen_at < now - timedelta(seconds=RESUMABLE_S):
            game.state, game.finished_at = "abandoned", now
            raise Conflict("that game was left too long ago: start a new one")
        stored = session.scalar(select(func.count()).where(PictionaryRound.game_id == game_id)) or 0
        rows = session.scalars(select(PictionaryWord).where(PictionaryWord.word.in_(game.words)))
        known = {row.word: row for row in rows}
        words = [
            RoundWord(w, known[w].category, known[w].play_mode) if w in known else RoundWord(w, OTHER, "play")
            for w in game.words
        ]
        game.state, game.session_key, game.last_seen_at = "active", session_key, now
        if stored >= len(words):
            game.state, game.finished_at = "finished", now
    return ResumedGame(game_id, words, stored + 1)


def end_game(db: Database, game_id: str, state: str, session_key: str | None = None) -> None:
    """Finish, abandon or interrupt a game; a connection that no longer owns it changes nothing."""
    with db.session() as session:
        game = session.get(PictionaryGame, game_id)
        if game is None or game.state != "active":
            return
        if session_key is not None and game.session_key not in (None, session_key):
            return
        game.state = state
        game.last_seen_at = utcnow()
        if state != "interrupted":
            game.finished_at = utcnow()


@dataclass
class RoundRecord:
    """What the server observed during one round; ``save_round`` turns it into a row."""

    game_id: str
    user_id: str
    round_no: int
    word: str
    category: str
    mode: str
    started_at: Any
    duration_ms: int
    raw_strokes: list[Any] | None = None
    recognized: bool = False
    time_ms: int | None = None
    top_guesses: list[str] = field(default_factory=list)
    final_guesses: list[Any] = field(default_factory=list)
    end_reason: str = "timeout"
    model_version_id: str | None = None
    model_version: int | None = None
    session_key: str | None = None  # the connection that played it (None: written outside a live game)


def render_drawing(raw: list[Any] | None) -> tuple[list[Any], bytes | None]:
    """Raw strokes -> (simplified strokes in the dataset's format, 28x28 PNG); empty -> ([], None)."""
    if not raw:
        return [], None
    import cv2

    from looplab.imaging.strokes import parse_drawing, render, simplify

    simplified = simplify(parse_drawing(raw))
    bitmap = render(simplified)
    ok, png = cv2.imencode(".png", bitmap)
    if not ok:
        raise RuntimeError("could not encode the drawing as PNG")
    strokes = [[s[:, 0].astype(int).tolist(), s[:, 1].astype(int).tolist()] for s in simplified]
    return strokes, png.tobytes()


def save_round(platform: Platform, record: RoundRecord) -> PictionaryRound:
    """Write one round and update its game; a second write of the same round is refused (409)."""
    strokes, png = render_drawing(record.raw_strokes)
    bitmap_key = platform.blobs.put(png, "png") if png else None
    attempts = len([g for g in record.top_guesses if g != record.word])
    if record.recognized and record.word in record.top_guesses:
        attempts = record.top_guesses.index(record.word)
    row = PictionaryRound(
        game_id=record.game_id,
        user_id=record.user_id,
        round_no=record.round_no,
        word=record.word,
        category=record.category,
        play_mode=record.mode,
        strokes=strokes,
        raw_strokes=record.raw_strokes or [],
        bitmap_key=bitmap_key,
        recognized=record.recognized,
        time_ms=record.time_ms,
        duration_ms=record.duration_ms,
        attempts=attempts,
        top_guesses=record.top_guesses,
        final_guesses=record.final_guesses,
        end_reason=record.end_reason,
        model_version_id=record.model_version_id,
        model_version=record.model_version,
        started_at=record.started_at,
        ended_at=utcnow(),
    )
    try:
        with platform.db.session() as session:
            game = session.get(PictionaryGame, record.game_id)
            if game is None or game.state != "active" or game.user_id != record.user_id:
                raise Conflict("this game is not running")
            if record.session_key is not None and game.session_key not in (None, record.session_key):
                raise Conflict("this game continued in another window")
            session.add(row)
            if record.mode == "play":  # a teach round collects a drawing of a word the model does not know yet:
                game.rounds_played += 1  # it cannot be recognised, so it neither counts as a miss nor adds time
                game.recognized_count += int(record.recognized)
                game.total_ms += record.duration_ms
            game.last_seen_at = utcnow()
    except IntegrityError as err:
        raise AlreadyStored(f"round {record.round_no} of this game is already stored") from err
    return row


def stored_round(db: Database, game_id: str, round_no: int) -> PictionaryRound | None:
    with db.session() as session:
        return session.scalar(
            select(PictionaryRound).where(PictionaryRound.game_id == game_id, PictionaryRound.round_no == round_no)
        )


def round_dict(row: PictionaryRound, *, with_strokes: bool = False) -> dict[str, Any]:
    out = {
        "id": row.id,
        "game_id": row.game_id,
        "user_id": row.user_id,
        "round": row.round_no,
        "word": row.word,
        "category": row.category,
        "mode": row.play_mode,
        "recognized": row.recognized,
        "time_ms": row.time_ms,
        "duration_ms": row.duration_ms,
        "attempts": row.attempts,
        "top_guesses": row.top_guesses,
        "final_guesses": row.final_guesses,
        "end_reason": row.end_reason,
        "model_version": row.model_version,
        "bitmap_url": f"/api/pictionary/rounds/{row.id}/bitmap.png" if row.bitmap_key else None,
        "feedback_label": row.feedback_label,
        "flagged": row.flagged,
        "ended_at": row.ended_at,
    }
    if with_strokes:
        out["strokes"] = row.strokes
        out["raw_strokes"] = row.raw_strokes
    return out


def get_round(db: Database, round_id: str) -> PictionaryRound:
    with db.session() as session:
        row = session.get(PictionaryRound, round_id)
    if row is None:
        raise NotFound("no such round")
    return row


def round_bitmap(platform: Platform, round_id: str, user_id: str, is_admin: bool) -> bytes:
    row = get_round(platform.db, round_id)
    if not is_admin and row.user_id != user_id:
        raise NotFound("no such round")
    if not row.bitmap_key:
        raise NotFound("this round has no drawing")
    return platform.blobs.get(row.bitmap_key)


def give_feedback(
    db: Database, round_id: str, user_id: str, *, label: str | None, flag: bool, note: str | None
) -> PictionaryRound:
    """The player says what the drawing really was, or flags it as a bad drawing (own rounds only)."""
    if label is None and not flag:
        raise Invalid("say what the drawing was (label) or flag it")
    if label is not None:
        label = _clean_word(label).lower()
    with db.session() as session:
        row = session.get(PictionaryRound, round_id)
        if row is None or row.user_id != user_id:
            raise NotFound("no such round")
        if label is not None:
            row.feedback_label = label
        row.flagged = bool(flag)
        row.feedback_note = (note or "")[:500] or None
        row.feedback_at = utcnow()
    return row


def feedback_pending(db: Database) -> int:
    """Drawings that a retrain job would learn from and that no job has used yet."""
    with db.session() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(PictionaryRound)
                .where(PictionaryRound.trained_in.is_(None), PictionaryRound.flagged.is_(False))
                .where((PictionaryRound.feedback_label.is_not(None)) | (PictionaryRound.play_mode == "teach"))
                .where(PictionaryRound.bitmap_key.is_not(None))
            )
            or 0
        )


def game_summary(db: Database, game_id: str, user_id: str, is_admin: bool) -> dict[str, Any]:
    with db.session() as session:
        game = session.get(PictionaryGame, game_id)
        if game is None or (game.user_id != user_id and not is_admin):
            raise NotFound("no such game")
        rounds = list(
            session.scalars(
                select(PictionaryRound).where(PictionaryRound.game_id == game_id).order_by(PictionaryRound.round_no)
            )
        )
    best = personal_best(db, game.user_id)
    return {
        "id": game.id,
        "state": game.state,
        "words": game.words,
        "rounds_played": game.rounds_played,  # scored rounds: teach rounds are not scored
        "recognized": game.recognized_count,
        "taught": sum(r.play_mode == "teach" for r in rounds),
        "total_ms": game.total_ms,
        "started_at": game.started_at,
        "finished_at": game.finished_at,
        "rounds": [round_dict(r) for r in rounds],
        "personal_best": best,
        "is_personal_best": best is not None and best["game_id"] == game.id,
    }


def _best_order():  # noqa: ANN202
    return (PictionaryGame.recognized_count.desc(), PictionaryGame.total_ms.asc(), PictionaryGame.finished_at.asc())


def personal_best(db: Database, user_id: str) -> dict[str, Any] | None:
    with db.session() as session:
        game = session.scalar(
            select(PictionaryGame)
            .where(PictionaryGame.user_id == user_id, PictionaryGame.state == "finished")
            .order_by(*_best_order())
            .limit(1)
        )
    if game is None:
        return None
    return {"game_id": game.id, "recognized": game.recognized_count, "total_ms": game.total_ms}


def leaderboard(db: Database, limit: int = 10) -> list[dict[str, Any]]:
    """Each player's best finished game: most drawings recognised, then least total time."""
    with db.session() as session:
        rows = session.execute(
            select(PictionaryGame, User.name)
            .join(User, User.id == PictionaryGame.user_id)
            .where(PictionaryGame.state == "finished")
            .order_by(*_best_order())
            .limit(2000)
        ).all()
    board, seen = [], set()
    for game, name in rows:
        if game.user_id in seen:
            continue
        seen.add(game.user_id)
        board.append(
            {
                "rank": len(board) + 1,
                "player": name,
                "recognized": game.recognized_count,
                "rounds": game.rounds_played,
                "total_ms": game.total_ms,
                "game_id": game.id,
                "finished_at": game.finished_at,
            }
        )
        if len(board) >= limit:
            break
    return board
