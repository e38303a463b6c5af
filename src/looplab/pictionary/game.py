"""The live game over a WebSocket: rounds, timer, guesses while the player draws, results written by the server.

Client -> server messages (JSON objects):
  {"type": "start"}                                        a new game of ``rounds`` words
  {"type": "resume", "game_id": id}                         continue an interrupted game (any replica)
  {"type": "draw", "round": n, "seq": k, "strokes": [...]}  the whole drawing so far, ``[[x..], [y..], [t..]]``
  {"type": "skip", "round": n}                              give up this round
  {"type": "next"}                                          start the next round after a result
  {"type": "ping"}
Server -> client: hello, game, round, guesses (with ``server_ms``), result, game_over, error, pong.

Nothing the client says is taken as a result: recognition, times and attempts come from the server's own
clock and model. Blocking work (rasterising, ONNX, database) runs in worker threads, never on the event loop.
"""

from __future__ import annotations

import asyncio
import json
import logging
import multiprocessing
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from anyio import to_thread
from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from looplab.imaging.strokes import LiveRasterizer, StrokeError, rasterize
from looplab.learning.registry import RegistryError
from looplab.pictionary import service
from looplab.pictionary.config import GameSettings
from looplab.storage.base import new_id, utcnow
from looplab.storage.blobs import BlobStoreUnavailable
from looplab.storage.db import DatabaseUnavailable

if TYPE_CHECKING:
    from looplab.auth.service import CurrentUser
    from looplab.platform import Platform

log = logging.getLogger(__name__)

OpenedGame = tuple[str, list[service.RoundWord], int]  # game id, its words, the round to play next
TRANSIENT_STORE_ERRORS = (OperationalError, DBAPIError, DatabaseUnavailable, BlobStoreUnavailable)
CLOSE_TOO_BIG = 1009
CLOSE_POLICY = 1008


def spoken_line(guesses: list[tuple[str, float]], recognized_word: str | None = None) -> str:
    """What the model 'says' while watching: "I see …" or "Oh, I know, it's …!"."""
    if recognized_word:
        return f"Oh, I know, it's {recognized_word}!"
    likely = [word for word, p in guesses if p >= 0.1]
    if not likely:
        return "Hmm… I have no idea yet."
    if len(likely) == 1:
        return f"I see {likely[0]}…"
    return "I see " + ", or ".join(likely) + "…"


class GameHub:
    """The sockets playing on this server: one live game per player."""

    def __init__(self, guess_threads: int = 4, raster_processes: int = 0) -> None:
        self._lock = threading.Lock()
        self._players: dict[str, object] = {}
        # Guessing is CPU work: a few threads queue it instead of time-slicing dozens of sockets' requests
        # against each other. Rasterising (the larger, partly pure-Python share) can run in worker processes,
        # so it never waits for the server's GIL; ONNX Runtime releases the GIL and stays in the threads.
        self.guess_pool = ThreadPoolExecutor(max_workers=guess_threads, thread_name_prefix="pictionary-guess")
        self.raster_pool: ProcessPoolExecutor | None = None
        if raster_processes > 0:
            context = multiprocessing.get_context("spawn")
            self.raster_pool = ProcessPoolExecutor(max_workers=raster_processes, mp_context=context)

    def warm(self) -> None:
        """Start the raster workers now, so the first players do not wait for them."""
        if self.raster_pool is not None:
            self.raster_pool.submit(rasterize_timed, [[[0, 1], [0, 1]]])

    def lost_raster_pool(self, pool: ProcessPoolExecutor) -> None:
        """A worker died: rasterise in threads from now on rather than fail every guess."""
        if self.raster_pool is pool:
            self.raster_pool = None
            pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        if self.raster_pool is not None:
            self.raster_pool.shutdown(wait=False, cancel_futures=True)
        self.guess_pool.shutdown(wait=False, cancel_futures=True)

    def claim(self, user_id: str, owner: object) -> bool:
        with self._lock:
            if user_id in self._players:
                return False
            self._players[user_id] = owner
            return True

    def release(self, user_id: str, owner: object) -> None:
        with self._lock:
            if self._players.get(user_id) is owner:
                del self._players[user_id]

    def __len__(self) -> int:
        return len(self._players)


def hub_of(app: Any) -> GameHub:
    hub = getattr(app.state, "pictionary_hub", None)
    if hub is None:
        config = GameSettings.of(app.state.platform.settings)
        hub = app.state.pictionary_hub = GameHub(config.guess_threads, config.raster_processes)
    return hub


def rasterize_timed(strokes: Any, rasterizer: Callable[[Any], np.ndarray] = rasterize) -> tuple[np.ndarray, float]:
    """Runs in a raster worker process (or a thread): the 28x28 bitmap and the milliseconds it took."""
    started = time.perf_counter()
    return rasterizer(strokes), (time.perf_counter() - started) * 1000


@dataclass
class LiveRound:
    no: int
    word: service.RoundWord
    started: float
    started_at: Any
    drawing: list[Any] | None = None
    top_guesses: list[str] = field(default_factory=list)
    last_guesses: list[Any] = field(default_factory=list)
    recognized_ms: int | None = None
    model_version_id: str | None = None
    model_version: int | None = None
    done: bool = False
    timer: asyncio.Task | None = None
    # repaints only what changed since the last update; used by one guess at a time (the session's lock)
    rasterizer: LiveRasterizer = field(default_factory=LiveRasterizer)


class TokenBucket:
    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst, self.tokens, self.at = rate, burst, burst, time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class GameSession:
    """One player's socket: a game at a time, a round at a time."""

    def __init__(
        self,
        ws: WebSocket,
        platform: Platform,
        models: Any,
        user: CurrentUser,
        config: GameSettings,
        hub: GameHub | None = None,
    ) -> None:
        self.ws = ws
        self.hub = hub or GameHub()
        self.platform = platform
        self.models = models
        self.user = user
        self.config = config
        self.lock = asyncio.Lock()
        self.game_id: str | None = None
        self.words: list[service.RoundWord] = []
        self.round: LiveRound | None = None
        self.allowed: list[str] | None = None
        self.bucket = TokenBucket(config.messages_per_s, max(5.0, config.messages_per_s))
        self.pending: tuple[dict[str, Any], float] | None = None
        self.drawer: asyncio.Task | None = None
        self.coalesced = 0
        self.last_guess_ms = 0.0
        self._tasks: set[asyncio.Task] = set()
        self.closed = False
        self.session_key = new_id()  # fences this connection's writes once its game continues elsewhere

    # --- transport ---------------------------------------------------------------------------------
    async def send(self, message: dict[str, Any]) -> None:
        if self.closed or self.ws.application_state != WebSocketState.CONNECTED:
            return
        try:
            await self.ws.send_text(json.dumps(message, default=str))
        except (WebSocketDisconnect, RuntimeError, OSError):
            self.closed = True

    async def error(self, detail: str, code: str = "bad_request") -> None:
        await self.send({"type": "error", "code": code, "detail": detail})

    async def run(self) -> None:
        await self.send(
            {
                "type": "hello",
                "user": self.user.name,
                "rounds": self.config.rounds,
                "seconds": self.config.round_seconds,
                "threshold": self.config.threshold,
            }
        )
        try:
            while not self.closed:
                message = await self.ws.receive()
                if message["type"] == "websocket.disconnect":
                    break
                received = time.perf_counter()
                text = message.get("text")
                if text is None and message.get("bytes") is not None:
                    text = message["bytes"].decode("utf-8", "replace")
                if text is None:
                    continue
                if len(text) > self.config.max_message_bytes:
                    await self.error(
                        f"message too large ({len(text)} bytes, limit {self.config.max_message_bytes})", "too_large"
                    )
                    await self.ws.close(CLOSE_TOO_BIG)
                    break
                await self.handle(text, received)
        except WebSocketDisconnect:
            pass
        finally:
            self.closed = True
            if self.drawer is not None:
                self.drawer.cancel()
            await self.interrupt()

    async def handle(self, text: str, received: float) -> None:
        try:
            message = json.loads(text)
        except ValueError:
            await self.error("messages must be JSON objects")
            return
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            await self.error('messages must be JSON objects with a "type"')
            return
        kind = message["type"]
        if kind == "draw":
            self.queue_draw(message, received)
        elif kind == "start":
            await self.on_start()
        elif kind == "resume":
            await self.on_resume(message)
        elif kind == "next":
            await self.on_next()
        elif kind == "skip":
            await self.on_skip(message)
        elif kind == "ping":
            await self.send({"type": "pong"})
        else:
            await self.error(f"unknown message type {kind[:40]!r}; results are decided by the server")

    # --- drawing updates: the newest wins ----------------------------------------------------------
    def queue_draw(self, message: dict[str, Any], received: float) -> None:
        """Keep the newest drawing; an update still waiting when a newer one arrives is dropped (it is stale)."""
        if not self.bucket.take():
            self._background(self.error("too many drawing updates: send at most a few per second", "rate_limited"))
            return
        if self.pending is not None:
            self.coalesced += 1
        self.pending = (message, received)
        if self.drawer is None or self.drawer.done():
            self.drawer = asyncio.create_task(self._drain())

    def _background(self, coroutine: Any) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _drain(self) -> None:
        while self.pending is not None and not self.closed:
            message, received = self.pending
            self.pending = None
            try:
                await self.on_draw(message, received)
            except RegistryError as err:
                await self.error(f"no model is being served: {err}", "unavailable")
            except Exception:  # noqa: BLE001 - one bad update must not end the game
                log.exception("guessing failed for %s", self.user.name)
                await self.error("the guess failed on the server", "internal")

    # --- game flow -------------------------------------------------------------------------------
    async def on_start(self) -> None:
        await self._open(self._new_game)

    async def on_resume(self, message: dict[str, Any]) -> None:
        """The player's connection dropped (network, a replica restarted): continue the game at its next round."""
        game_id = message.get("game_id")
        if not isinstance(game_id, str) or not game_id or len(game_id) > 64:
            await self.error('resume needs {"type": "resume", "game_id": "..."}')
            return
        await self._open(lambda: self._resumed_game(game_id), resumed=True)

    def _new_game(self) -> OpenedGame:
        words = service.pick_words(self.platform.db, self.config.rounds)
        return service.start_game(self.platform.db, self.user.id, words, self.session_key).id, words, 1

    def _resumed_game(self, game_id: str) -> OpenedGame:
        resumed = service.resume_game(self.platform.db, game_id, self.user.id, self.session_key)
        return resumed.game_id, resumed.words, resumed.next_round

    async def _open(self, opener: Callable[[], OpenedGame], resumed: bool = False) -> None:
        """Start or resume a game on this connection and play its next round."""
        async with self.lock:
            if self.game_id is not None:
                await self.error("a game is already running on this connection", "conflict")
                return
            try:
                self.allowed = await to_thread.run_sync(self._allowed_words)
                game_id, words, next_round = await to_thread.run_sync(opener)
            except service.NotFound as err:
                await self.error(str(err), "not_found")
                return
            except service.PictionaryError as err:
                await self.error(str(err), "conflict")
                return
            except RegistryError as err:
                await self.error(f"no model is being served: {err}", "unavailable")
                return
            except TRANSIENT_STORE_ERRORS:
                await self.error("the game's database is unavailable, try again shortly", "unavailable")
                return
            self.game_id, self.words = game_id, words
            opened = {"type": "game", "game_id": game_id, "rounds": len(words)}
            await self.send(opened | {"resumed_at": next_round} if resumed else opened)
            if next_round > len(words):
                await self._game_over()
            else:
                await self._start_round(next_round)

    def _allowed_words(self) -> list[str] | None:
        """The model guesses among the enabled play words it knows (all its classes when none is enabled)."""
        guesser, _ = self.models.get("pictionary")
        enabled = {w["word"] for w in service.list_words(self.platform.db, enabled_only=True)}
        allowed = [c for c in guesser.classes if c in enabled]
        return allowed or None

    async def _start_round(self, no: int) -> None:
        word = self.words[no - 1]
        self.round = LiveRound(no=no, word=word, started=time.monotonic(), started_at=utcnow())
        self.round.timer = asyncio.create_task(self._timeout(self.round))
        await self.send(
            {
                "type": "round",
                "round": no,
                "of": len(self.words),
                "word": word.word,
                "category": word.category,
                "mode": word.mode,
                "seconds": self.config.round_seconds,
            }
        )

    async def _timeout(self, live: LiveRound) -> None:
        await asyncio.sleep(self.config.round_seconds)
        async with self.lock:
            if not live.done and self.round is live:
                await self._end_round("timeout")

    async def on_next(self) -> None:
        async with self.lock:
            if self.game_id is None:
                await self.error('no game is running: send {"type": "start"}', "conflict")
            elif self.round is not None and not self.round.done:
                await self.error("the current round is not over", "conflict")
            elif self.round is not None and self.round.no < len(self.words):
                await self._start_round(self.round.no + 1)
            else:
                await self.error("the game is over", "conflict")

    async def on_skip(self, message: dict[str, Any]) -> None:
        async with self.lock:
            if self._current(message) is not None:
                await self._end_round("skipped")

    def _current(self, message: dict[str, Any]) -> LiveRound | None:
        live = self.round
        if live is None or live.done or message.get("round") != live.no:
            return None
        return live

    async def on_draw(self, message: dict[str, Any], received: float) -> None:
        async with self.lock:
            live = self._current(message)
            if live is None:
                if self.round is not None and self.round.done and message.get("round") == self.round.no:
                    # a throttled update that crossed the result on the wire: normal, not an error
                    await self.send({"type": "ignored", "round": self.round.no, "reason": "the round is over"})
                else:
                    await self.error("that round is not running (over, or another round number)", "stale_round")
                return
            try:
                guesses, version = await self._guess_async(message.get("strokes"), live.rasterizer)
            except StrokeError as err:
                await self.error(f"invalid drawing: {err}", "invalid_drawing")
                return
            live.drawing = message["strokes"]
            live.model_version_id, live.model_version = version.id, version.version
            live.last_guesses = [[w, p] for w, p in guesses]
            top = guesses[0][0] if guesses else None
            if top and (not live.top_guesses or live.top_guesses[-1] != top) and top not in live.top_guesses:
                live.top_guesses.append(top)
            hit = bool(guesses) and top == live.word.word and guesses[0][1] >= self.config.threshold
            if hit:
                live.recognized_ms = int((time.monotonic() - live.started) * 1000)
            await self.send(
                {
                    "type": "guesses",
                    "round": live.no,
                    "seq": message.get("seq"),
                    "guesses": live.last_guesses,
                    "line": spoken_line(guesses, live.word.word if hit else None),
                    "model_version": version.version,
                    "server_ms": round((time.perf_counter() - received) * 1000, 3),
                    "guess_ms": round(self.last_guess_ms, 3),
                    "coalesced": self.coalesced,
                }
            )
            if hit:
                await self._end_round("recognized")

    async def _guess_async(self, strokes: Any, rasterizer: LiveRasterizer) -> tuple[list[tuple[str, float]], Any]:
        loop = asyncio.get_running_loop()
        pool = self.hub.raster_pool
        if pool is not None:
            try:
                bitmap, raster_ms = await loop.run_in_executor(pool, rasterize_timed, strokes)
            except BrokenProcessPool:
                log.warning("a pictionary raster worker died: rasterising in threads from now on")
                self.hub.lost_raster_pool(pool)
            else:
                return await loop.run_in_executor(self.hub.guess_pool, self._classify, bitmap, raster_ms)
        return await loop.run_in_executor(self.hub.guess_pool, self._guess, strokes, rasterizer)

    def _guess(self, strokes: Any, rasterizer: LiveRasterizer) -> tuple[list[tuple[str, float]], Any]:
        bitmap, raster_ms = rasterize_timed(strokes, rasterizer)
        return self._classify(bitmap, raster_ms)

    def _classify(self, bitmap: np.ndarray, raster_ms: float) -> tuple[list[tuple[str, float]], Any]:
        """Top 3 among the game's words, with the model's own probabilities (not renormalised: a game with
        few enabled words must not make every scribble a confident guess)."""
        started = time.perf_counter()
        guesser, version = self.models.get("pictionary")
        ranked = guesser.guess_bitmaps(bitmap, k=len(guesser.classes))[0]
        allowed = set(self.allowed) if self.allowed else None
        self.last_guess_ms = raster_ms + (time.perf_counter() - started) * 1000
        return [(w, p) for w, p in ranked if allowed is None or w in allowed][:3], version

    async def _end_round(self, reason: str) -> None:
        """Store the round (server-side facts only) and tell the player; the caller holds the lock."""
        live = self.round
        if live is None or live.done:
            return
        live.done = True
        if live.timer is not None and live.timer is not asyncio.current_task():
            live.timer.cancel()
        recognized = reason == "recognized"
        duration = int((time.monotonic() - live.started) * 1000)
        record = service.RoundRecord(
            game_id=self.game_id,
            user_id=self.user.id,
            round_no=live.no,
            word=live.word.word,
            category=live.word.category,
            mode=live.word.mode,
            started_at=live.started_at,
            duration_ms=duration,
            raw_strokes=live.drawing,
            recognized=recognized,
            time_ms=live.recognized_ms if recognized else None,
            top_guesses=live.top_guesses,
            final_guesses=live.last_guesses,
            end_reason=reason,
            model_version_id=live.model_version_id,
            model_version=live.model_version,
            session_key=self.session_key,
        )
        # the write goes on even if this socket closes meanwhile (its tasks are cancelled): the round is the
        # player's, not the connection's
        store = asyncio.ensure_future(self._store(record))
        self._tasks.add(store)
        store.add_done_callback(self._stored)
        try:
            row = await asyncio.shield(store)
        except service.PictionaryError as err:
            await self.error(str(err), "conflict")
            return
        except Exception:  # noqa: BLE001 - a storage failure ends this round, not the server
            log.exception("could not store round %s of game %s", live.no, self.game_id)
            await self.error("the round could not be stored; try again later", "storage")
            return
        last = live.no >= len(self.words)
        guess_words = [g[0] for g in live.last_guesses]
        await self.send(
            {
                "type": "result",
                "round": live.no,
                "round_id": row.id,
                "word": live.word.word,
                "mode": live.word.mode,
                "recognized": recognized,
                "time_ms": row.time_ms,
                "duration_ms": duration,
                "attempts": row.attempts,
                "guesses": live.last_guesses,
                "reason": reason,
                "line": spoken_line([], live.word.word)
                if recognized
                else (f"Sorry, I couldn't guess it. Was it {guess_words[0]}?" if guess_words else "Sorry, no idea."),
                "last": last,
            }
        )
        if last:
            await self._game_over()

    def _stored(self, store: asyncio.Task) -> None:
        self._tasks.discard(store)
        if self.closed and not store.cancelled() and store.exception() is not None:  # nobody awaits it any more
            log.error("round of game %s not stored after its socket closed: %s", self.game_id, store.exception())

    async def _store(self, record: service.RoundRecord) -> Any:
        """Write the round, retrying while the database or the blob store is briefly away (a restart, a
        failover): the result waits in memory rather than being lost, and a write that did commit before its
        answer was lost is found again rather than written twice."""
        deadline = time.monotonic() + self.config.store_retry_s
        delay, tries = 0.25, 0
        while True:
            tries += 1
            try:
                return await to_thread.run_sync(service.save_round, self.platform, record)
            except service.AlreadyStored:
                if tries == 1:
                    raise
                db, game_id, number = self.platform.db, record.game_id, record.round_no
                stored = await to_thread.run_sync(service.stored_round, db, game_id, number)
                if stored is None:
                    raise
                return stored
            except TRANSIENT_STORE_ERRORS as err:
                if time.monotonic() + delay > deadline:
                    raise
                log.warning("storing round %s of game %s failed (%s); retrying", record.round_no, record.game_id, err)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)

    async def _game_over(self) -> None:
        game_id = self.game_id
        await to_thread.run_sync(service.end_game, self.platform.db, game_id, "finished", self.session_key)
        summary = await to_thread.run_sync(
            service.game_summary, self.platform.db, game_id, self.user.id, self.user.is_admin
        )
        self.game_id = None  # the finished round stays, so a late update for it is recognised as late
        await self.send({"type": "game_over", "game_id": game_id, "summary": summary})

    async def interrupt(self) -> None:
        """The socket closed: stop the timer and leave the game interrupted, so the player can continue it
        from another connection (the running round was not stored and is played again; nothing half-written)."""
        live = self.round
        if live is not None and live.timer is not None:
            live.timer.cancel()
        if self.game_id is not None:
            try:
                await to_thread.run_sync(
                    service.end_game, self.platform.db, self.game_id, "interrupted", self.session_key
                )
            except Exception:  # noqa: BLE001
                log.exception("could not mark game %s interrupted", self.game_id)
            self.game_id = None
