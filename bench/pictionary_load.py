"""Pictionary under load: N players drawing real Quick, Draw! strokes over the game's WebSocket at once.

Starts its own server (embedded default, temporary data dir) unless --url is given, registers the players,
and plays games until --seconds have passed: each player draws a real drawing of the round's word
(../shared/data/quickdraw_strokes/<word>.ndjson) at a human pace (points along each stroke at
``--speed`` units/s, a pause between strokes), sending the drawing so far every 250 ms and at each stroke
end, like the game page. A round ends when the server recognises the word, or the player gives up a moment
after the drawing is done.

Figures: guesses answered, guesses/s, server-side latency per guess update (``server_ms`` in each reply:
stroke message received -> guesses sent) and the client's round trip, errors. The baseline is one player
alone on the same server, measured first in the same invocation. Writes bench/results/pictionary_load.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np
from websockets.asyncio.client import connect

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
STROKES = REPO.parent / "shared" / "data" / "quickdraw_strokes"
SEND_EVERY_S = 0.25


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load_drawings(limit: int = 25) -> dict[str, list]:
    from looplab.pictionary.words import starter_words

    drawings = {}
    for word in [w.word for w in starter_words()]:
        path = STROKES / f"{word}.ndjson"
        if path.exists():
            drawings[word] = [json.loads(line)["drawing"] for line in path.read_text().splitlines()[:limit]]
    if not drawings:
        raise SystemExit(f"no stroke files of the starter words in {STROKES}")
    return drawings


@dataclass
class Stats:
    server_ms: list[float] = field(default_factory=list)
    client_ms: list[float] = field(default_factory=list)
    guess_ms: list[float] = field(default_factory=list)
    errors: int = 0
    coalesced: int = 0
    rounds: int = 0
    recognized: int = 0
    error_samples: list[str] = field(default_factory=list)

    def error(self, what: str) -> None:
        self.errors += 1
        if len(self.error_samples) < 10:
            self.error_samples.append(what[:200])


def timeline(drawing: list, speed: float, pause_s: float) -> list[tuple[float, int, int, bool]]:
    """(time, stroke index, points drawn in that stroke, stroke ended) along a drawing at a human pace."""
    events, t = [], 0.0
    for index, (xs, ys) in enumerate(drawing):
        for j in range(len(xs)):
            if j:
                t += math.hypot(xs[j] - xs[j - 1], ys[j] - ys[j - 1]) / speed
            events.append((t, index, j + 1, j == len(xs) - 1))
        t += pause_s
    return events


class Player:
    def __init__(self, url: str, token: str, drawings: dict[str, list], stats: Stats, stop_at: float, args) -> None:  # noqa: ANN001
        self.url, self.token, self.drawings, self.stats, self.stop_at, self.args = (
            url,
            token,
            drawings,
            stats,
            stop_at,
            args,
        )
        self.sent: dict[int, float] = {}
        self.coalesced = 0
        self.inbox: asyncio.Queue = asyncio.Queue()
        self.rng = random.Random(token)

    async def run(self) -> None:
        ws_url = self.url.replace("http", "ws", 1) + f"/api/pictionary/ws?token={self.token}"
        try:
            async with connect(ws_url, max_size=2**22, open_timeout=30) as ws:
                reader = asyncio.create_task(self.read(ws))
                try:
                    while time.monotonic() < self.stop_at:
                        await ws.send(json.dumps({"type": "start"}))
                        if not await self.play_game(ws):
                            break
                finally:
                    reader.cancel()
                    self.stats.coalesced += self.coalesced
        except Exception as err:  # noqa: BLE001 - counted, the benchmark goes on
            if time.monotonic() < self.stop_at:
                self.stats.error(f"{type(err).__name__}: {err}")

    async def read(self, ws) -> None:  # noqa: ANN001
        async for raw in ws:
            message = json.loads(raw)
            if message["type"] == "guesses":
                self.coalesced = int(message.get("coalesced", 0))
                sent = self.sent.pop(message.get("seq"), None)
                if sent is not None and time.monotonic() < self.stop_at:
                    self.stats.client_ms.append((time.perf_counter() - sent) * 1000)
                    self.stats.server_ms.append(float(message["server_ms"]))
                    self.stats.guess_ms.append(float(message.get("guess_ms", "nan")))
            elif message["type"] == "error":
                self.stats.error(f"{message.get('code')}: {message.get('detail')}")
            await self.inbox.put(message)

    async def expect(self, *kinds: str, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            message = await asyncio.wait_for(self.inbox.get(), max(0.01, deadline - time.monotonic()))
            if message["type"] in kinds:
                return message

    async def play_game(self, ws) -> bool:  # noqa: ANN001
        seq = 0
        while True:
            message = await self.expect("round", "error")
            if message["type"] == "error":
                return False
            number, word = message["round"], message["word"]
            drawing = self.rng.choice(self.drawings.get(word) or self.drawings[self.rng.choice(list(self.drawings))])
            done = await self.draw(ws, number, drawing, seq)
            seq += 1000
            if not done:  # drawing finished without recognition: give up a moment later
                await asyncio.sleep(0.5)
                await ws.send(json.dumps({"type": "skip", "round": number}))
            result = await self.expect("result")
            self.stats.rounds += 1
            self.stats.recognized += int(result["recognized"])
            if time.monotonic() >= self.stop_at:
                return False
            if result["last"]:
                await self.expect("game_over")
                return True
            await ws.send(json.dumps({"type": "next"}))

    async def draw(self, ws, number: int, drawing: list, seq: int) -> bool:  # noqa: ANN001
        started, last_sent = time.monotonic(), -1.0
        for t, stroke, points, ended in timeline(drawing, self.args.speed, self.args.pause):
            wait = started + t - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if not self.inbox.empty() and any(m["type"] == "result" for m in list(self.inbox._queue)):  # noqa: SLF001
                return True
            now = time.monotonic()
            if not ended and now - last_sent < SEND_EVERY_S:
                continue
            last_sent, seq = now, seq + 1
            strokes = [self._stroke(s, started) for s in drawing[:stroke]] + [
                self._stroke(drawing[stroke], started, points)
            ]
            self.sent[seq] = time.perf_counter()
            await ws.send(json.dumps({"type": "draw", "round": number, "seq": seq, "strokes": strokes}))
            if time.monotonic() >= self.stop_at:
                return False
        return any(m["type"] == "result" for m in list(self.inbox._queue))  # noqa: SLF001

    @staticmethod
    def _stroke(stroke: list, started: float, points: int | None = None) -> list:
        xs, ys = stroke[0][:points], stroke[1][:points]
        return [xs, ys, list(range(0, 10 * len(xs), 10))]


def register(url: str, names: list[str]) -> list[str]:
    tokens = []
    with httpx.Client(base_url=url, timeout=60) as http:
        for name in names:
            password = f"{name}-password"
            http.post("/api/auth/register", json={"name": name, "password": password})
            response = http.post("/api/auth/login", json={"name": name, "password": password})
            response.raise_for_status()
            tokens.append(response.json()["token"])
    return tokens


async def run_players(
    urls: str | list[str],
    tokens: list[str],
    seconds: float,
    drawings: dict,
    args,  # noqa: ANN001
) -> tuple[Stats, float]:
    """Plays until ``seconds`` have passed; with several server URLs the players are spread round-robin."""
    urls = [urls] if isinstance(urls, str) else urls
    stats = Stats()
    started = time.monotonic()
    stop_at = started + seconds
    players = [Player(urls[i % len(urls)], token, drawings, stats, stop_at, args) for i, token in enumerate(tokens)]
    tasks = []
    for player in players:  # stagger the starts over 1 s, as players do not press Start together
        tasks.append(asyncio.create_task(player.run()))
        await asyncio.sleep(1.0 / max(1, len(players)))
    await asyncio.wait(tasks, timeout=seconds + 30)
    for task in tasks:
        task.cancel()
    return stats, time.monotonic() - started


def percentile(values: list[float], q: float) -> float:
    return round(float(np.percentile(values, q)), 3) if values else float("nan")


def start_server(data_dir: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {
        **os.environ,
        "LOOPLAB_DATA_DIR": str(data_dir),
        "LOOPLAB_PORT": str(port),
        "LOOPLAB_PICTIONARY_RETRAIN_AFTER": "0",
    }
    env.pop("LOOPLAB_DATABASE_URL", None)
    env.pop("LOOPLAB_BLOB_URL", None)
    log = open(data_dir.parent / "server.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "looplab.cli", "serve"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}; see {data_dir.parent / 'server.log'}")
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit("server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--players", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--baseline-seconds", type=float, default=8.0)
    parser.add_argument("--url", help="an already running server (default: start one on a temporary data dir)")
    parser.add_argument("--speed", type=float, default=350.0, help="drawing speed in 0..255 units per second")
    parser.add_argument("--pause", type=float, default=0.3, help="seconds between strokes")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--out", type=Path, default=RESULTS / "pictionary_load.json")
    args = parser.parse_args()
    drawings = load_drawings()
    load_before = round(os.getloadavg()[0], 2)  # other work on the machine shows in the tail latencies

    process, tmp = None, None
    url = args.url
    if url is None:
        tmp = tempfile.TemporaryDirectory(prefix="looplab-load-")
        process, url = start_server(Path(tmp.name) / "data")
    try:
        tokens = register(url, [f"loadbot{i:03d}" for i in range(max(1, args.players) + 1)])
        baseline, _ = asyncio.run(run_players(url, tokens[-1:], args.baseline_seconds, drawings, args))
        stats, elapsed = asyncio.run(run_players(url, tokens[:-1], args.seconds, drawings, args))
    finally:
        if process is not None:
            process.terminate()
            process.wait(15)
        if tmp is not None:
            tmp.cleanup()
    guesses = len(stats.server_ms)
    result = {
        "players": args.players,
        "seconds": round(elapsed, 2),
        "guesses": guesses,
        "guesses_per_s": round(guesses / elapsed, 2) if elapsed else 0.0,
        "p50_ms": percentile(stats.server_ms, 50),
        "p99_ms": percentile(stats.server_ms, 99),
        "errors": stats.errors,
        "baseline_one_player_p99_ms": percentile(baseline.server_ms, 99),
        "latency": "server-side: stroke message received -> guesses sent (server_ms in each reply)",
        "guess_compute_p50_ms": percentile(stats.guess_ms, 50),
        "guess_compute_p99_ms": percentile(stats.guess_ms, 99),
        "client_rtt_p50_ms": percentile(stats.client_ms, 50),
        "client_rtt_p99_ms": percentile(stats.client_ms, 99),
        "baseline_one_player_p50_ms": percentile(baseline.server_ms, 50),
        "baseline_one_player_client_rtt_p99_ms": percentile(baseline.client_ms, 99),
        "baseline_guesses": len(baseline.server_ms),
        "updates_coalesced": stats.coalesced,
        "rounds": stats.rounds,
        "recognized": stats.recognized,
        "error_samples": stats.error_samples + baseline.error_samples,
        "goal": "server-side p99 <= 30 ms per guess update with 50 players",
        **machine(load_before),
    }
    write_result(result, args.out, args.json)


def machine(load_before: float) -> dict[str, object]:
    """What the figures were measured on: cores and the 1-minute load average before and after."""
    return {
        "cpus": os.cpu_count(),
        "load_average_1m_before": load_before,
        "load_average_1m_after": round(os.getloadavg()[0], 2),
    }


def write_result(result: dict, out: Path, as_json: bool) -> None:
    """Write ``result`` to ``out`` (bench/results/...) and print it: one JSON line, or a key per line."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    if as_json:
        print(json.dumps(result))
        return
    for key, value in result.items():
        print(f"{key:>52}: {json.dumps(value) if isinstance(value, list | dict) else value}")


if __name__ == "__main__":
    main()
