"""Load on loopback: Pictionary players and alliance ingest against the embedded default, then against the cloud
mode (PostgreSQL + S3) with one and with two server replicas, all in one bounded, self-stopping run.

Starts everything itself and stops it all again (also on Ctrl-C or an error): PostgreSQL from the Debian package
(as tests/services.py does), an S3 endpoint (moto's ThreadedMotoServer, in a child process so its CPU time is
its own) and ``looplab serve`` processes on free loopback ports. Each configuration gets a fresh database or data
dir and runs two phases, one after the other so that neither skews the other:

1. **Players**: N players (default 50) registered and logged in, then drawing real Quick, Draw! strokes over the
   game's WebSocket for --seconds, spread round-robin over the replicas (bench/pictionary_load.py's client).
   Latency is the server's own (``server_ms`` in each reply: stroke message received -> guesses sent).
   The CPU time of the servers (with their child processes), PostgreSQL, the S3 endpoint and this load generator
   over the phase, divided by the guesses answered, gives the CPU cost of one guess (also net of what they burn
   idle, measured for --idle-seconds just before).
2. **Alliance ingest**: one admin client per replica uploads batches of synthetic screenshots (as
   bench/alliance_ingest.py) and waits for each ingest job, for --ingest-seconds; screenshots booked per minute.
   Each replica's job worker is started (a one-screenshot job) before the players phase and not counted.

Errors: player errors (socket errors, error replies), ingest requests or jobs that failed, screenshots rejected
(these synthetic screens all read well), replicas that died. Writes bench/results/load.json.

Usage: .venv/bin/python bench/load.py [--players 50] [--seconds 20] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import httpx

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
sys.path.insert(0, str(REPO))

from bench.alliance_ingest import ingest, make_screens  # noqa: E402
from bench.pictionary_load import (  # noqa: E402
    load_drawings,
    machine,
    percentile,
    register,
    run_players,
    write_result,
)
from tests.services import PostgresServer, free_port, start_postgres, wait_for_port  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
SCREENS_PER_BATCH = 3
GOAL_P99_MS = 30.0
AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}
MOTO = (
    "import sys, threading\n"
    "from moto.server import ThreadedMotoServer\n"
    "ThreadedMotoServer(ip_address='127.0.0.1', port=int(sys.argv[1]), verbose=False).start()\n"
    "threading.Event().wait()\n"
)


# --- processes: started in their own session (Ctrl-C reaches only this script, which stops them in order) and
# --- killed by the kernel if this script dies without cleaning up (PostgreSQL excepted: pg_ctl detaches it).


def _die_with_parent() -> None:
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def child_env(**extra: str) -> dict[str, str]:
    """This environment without LOOPLAB_* settings or proxies (everything stays on loopback), plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOOPLAB_") and "proxy" not in k.lower()}
    return {**env, "NO_PROXY": "127.0.0.1,localhost", **extra}


def spawn(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with open(log, "wb") as out:
        return subprocess.Popen(
            command,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_die_with_parent,  # safe: the processes are started before any other thread
        )


def stop(process: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL; then whatever the process left behind (its worker processes)."""
    descendants = [pid for pid in process_tree([process.pid]) if pid != process.pid]
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
    deadline = time.monotonic() + 5
    while descendants and time.monotonic() < deadline:
        descendants = [pid for pid in descendants if Path(f"/proc/{pid}").exists()]
        time.sleep(0.1)
    for pid in descendants:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


# --- CPU time of process trees, from /proc


def proc_table() -> dict[int, tuple[int, float]]:
    """pid -> (parent pid, CPU seconds of the process and its reaped children)."""
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            raw = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2 :].split()  # after "pid (comm) ": state, ppid, ...
        table[int(entry.name)] = (int(fields[1]), sum(int(v) for v in fields[11:15]) / TICK)
    return table


def process_tree(roots: list[int], table: dict | None = None) -> dict[int, float]:
    """CPU seconds of every process under ``roots`` (roots included)."""
    table = proc_table() if table is None else table
    children = defaultdict(list)
    for pid, (ppid, _) in table.items():
        children[ppid].append(pid)
    seen: dict[int, float] = {}
    stack = list(roots)
    while stack:
        pid = stack.pop()
        if pid in table and pid not in seen:
            seen[pid] = table[pid][1]
            stack.extend(children[pid])
    return seen


def cpu_snapshot(groups: dict[str, list[int]]) -> dict[str, dict[int, float]]:
    table = proc_table()
    return {name: process_tree(pids, table) for name, pids in groups.items()}


def cpu_spent(before: dict[str, dict[int, float]], after: dict[str, dict[int, float]]) -> dict[str, float]:
    return {
        name: sum(cpu - before.get(name, {}).get(pid, 0.0) for pid, cpu in tree.items()) for name, tree in after.items()
    }


# --- the shared services


@dataclass
class Services:
    work: Path
    postgres: PostgresServer | None = None
    s3: subprocess.Popen | None = None
    s3_url: str = ""
    buckets: int = 0

    def start(self) -> None:
        self.postgres = start_postgres()
        if self.postgres is None:
            raise SystemExit("PostgreSQL server binaries not found (Debian package 'postgresql')")
        port = free_port()
        self.s3 = spawn([sys.executable, "-c", MOTO, str(port)], child_env(), self.work / "s3.log")
        wait_for_port(port, 60)
        self.s3_url = f"http://127.0.0.1:{port}"

    def new_bucket(self) -> str:
        import boto3

        self.buckets += 1
        name = f"looplab-load-{self.buckets}"
        client = boto3.client(
            "s3",
            endpoint_url=self.s3_url,
            aws_access_key_id=AWS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=AWS["AWS_SECRET_ACCESS_KEY"],
            region_name=AWS["AWS_DEFAULT_REGION"],
        )
        client.create_bucket(Bucket=name)
        return name

    def postgres_pids(self) -> list[int]:
        if self.postgres is None:
            return []
        pid_file = Path(self.postgres.datadir, "data", "postmaster.pid")
        with contextlib.suppress(OSError, ValueError, IndexError):
            return [int(pid_file.read_text().split()[0])]
        return []

    def close(self) -> None:
        if self.s3 is not None:
            stop(self.s3)
        if self.postgres is not None:
            self.postgres.stop()


# --- one configuration: its replicas, players and ingest


@dataclass
class Replica:
    url: str
    process: subprocess.Popen
    log: Path


@dataclass
class IngestTally:
    screens: int = 0
    rejected: int = 0
    errors: int = 0
    samples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def error(self, what: str, count: int = 1) -> None:
        with self.lock:
            self.errors += count
            if len(self.samples) < 10:
                self.samples.append(what[:200])


def start_replica(env: dict[str, str], log: Path) -> Replica:
    port = free_port()
    process = spawn([sys.executable, "-m", "looplab.cli", "serve"], child_env(**env, LOOPLAB_PORT=str(port)), log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"looplab serve exited with {process.returncode}:\n{tail}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                return Replica(url, process, log)
        time.sleep(0.2)
    stop(process)
    raise RuntimeError("looplab serve did not answer /health within 120 s")


def admin_client(url: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=60)
    response = client.post("/api/auth/login", json={"name": "admin", "password": "admin-password"})
    response.raise_for_status()
    client.cookies.clear()
    client.headers["Authorization"] = f"Bearer {response.json()['token']}"
    return client


class Screens:
    """Unique screenshots on demand: the same synthetic screens with a counter after the PNG end (ignored by
    decoders, so the reading is the same) and each on its own day, so none is a duplicate of another."""

    def __init__(self) -> None:
        self.base = make_screens(2)
        self.count = 0
        self.lock = threading.Lock()

    def batch(self, size: int) -> list[tuple[str, bytes]]:
        with self.lock:
            start, self.count = self.count, self.count + size
        day0 = dt.date(2030, 1, 1)
        return [
            (f"guild_{day0 + dt.timedelta(days=n):%Y%m%d}.png", self.base[n % 2] + str(n).encode())
            for n in range(start, start + size)
        ]


def ingest_loop(client: httpx.Client, screens: Screens, tally: IngestTally, until: float, size: int) -> None:
    """Uploads batches and waits for each job, at least one and then until ``until`` (the last one started
    is waited for)."""
    while True:
        try:
            job = ingest(client, screens.batch(size), timeout=120)
        except Exception as err:  # noqa: BLE001 - counted, the benchmark goes on
            tally.error(f"ingest: {type(err).__name__}: {err}", size)
            return
        if job["state"] != "succeeded":
            tally.error(f"ingest job {job['state']}: {job.get('error')}", size)
            if time.monotonic() >= until:
                return
            continue
        result = job["result"] or {}
        with tally.lock:
            tally.screens += int(result.get("booked_files", 0))
            tally.rejected += int(result.get("rejected_files", 0))
        if result.get("rejected_files"):
            reasons = [o.get("reason", "") for o in result.get("outcomes", []) if o.get("status") == "rejected"]
            tally.error(f"rejected: {reasons[:2]}", 0)
        if time.monotonic() >= until:
            return


def threads(target, argsets: list[tuple]) -> list[threading.Thread]:  # noqa: ANN001
    started = [threading.Thread(target=target, args=a, daemon=True) for a in argsets]
    for thread in started:
        thread.start()
    return started


def register_all(url: str, names: list[str], parallel: int = 4) -> list[str]:
    """Registers and logs in the players a few at a time (password hashing is the slow part); their tokens."""
    chunks = [names[i::parallel] for i in range(parallel)]
    with ThreadPoolExecutor(parallel) as pool:
        return [token for tokens in pool.map(lambda chunk: register(url, chunk), chunks) for token in tokens]


def log_errors(log: Path) -> list[str]:
    """Lines the replica logged at level error or above."""
    found = []
    with contextlib.suppress(OSError):
        for line in log.read_text(errors="replace").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                if "Traceback" in line or "Error" in line:
                    found.append(line[:200])
                continue
            if isinstance(entry, dict) and entry.get("level") in ("error", "critical"):
                found.append(f"{entry.get('logger')}: {entry.get('msg')}"[:200])
    return found


def run_config(mode: str, replicas: int, services: Services, work: Path, drawings: dict, args) -> dict:  # noqa: ANN001
    env = {
        "LOOPLAB_ADMIN_USER": "admin",
        "LOOPLAB_ADMIN_PASSWORD": "admin-password",
        "LOOPLAB_SECRET_KEY": "load-bench-secret",
        "LOOPLAB_PICTIONARY_RETRAIN_AFTER": "0",
        "LOOPLAB_DATA_DIR": str(work / "data"),  # the cloud mode must not create it
    }
    if mode == "embedded":
        env["LOOPLAB_INPUT_DIR"] = str(work / "input")
    else:
        assert services.postgres is not None
        env.update(
            LOOPLAB_DATABASE_URL=services.postgres.new_database(),
            LOOPLAB_BLOB_URL=f"s3://{services.new_bucket()}/looplab",
            AWS_ENDPOINT_URL=services.s3_url,
            **AWS,
        )
    started = time.monotonic()
    with contextlib.ExitStack() as stack:
        fleet: list[Replica] = []
        for index in range(replicas):  # one after the other: the first one migrates the database
            replica = start_replica(env, work / f"server-{index}.log")
            stack.callback(stop, replica.process)
            fleet.append(replica)
        urls = [r.url for r in fleet]
        clients = [admin_client(url) for url in urls]
        for client in clients:
            stack.callback(client.close)
        screens, warmup = Screens(), IngestTally()
        # Start every replica's job worker now (a cold worker takes seconds), while the players register.
        warm = threads(ingest_loop, [(c, screens, warmup, 0.0, 1) for c in clients])
        tokens = register_all(urls[0], [f"player{i:03d}" for i in range(args.players)])
        for thread in warm:
            thread.join(180)
        setup_s = time.monotonic() - started

        groups = {
            "servers": [r.process.pid for r in fleet],
            "postgres": services.postgres_pids() if mode == "cloud" else [],
            "s3": [services.s3.pid] if mode == "cloud" and services.s3 else [],
        }
        idle_before = cpu_snapshot(groups)  # what the services burn with nobody playing (heartbeats, polling)
        time.sleep(args.idle_seconds)
        idle = cpu_spent(idle_before, cpu_snapshot(groups))
        load_before = os.getloadavg()[0]
        cpu_before, own_before = cpu_snapshot(groups), time.process_time()
        options = SimpleNamespace(speed=args.speed, pause=args.pause)
        stats, elapsed = asyncio.run(run_players(urls, tokens, args.seconds, drawings, options))
        cpu = cpu_spent(cpu_before, cpu_snapshot(groups))
        cpu["load_generator"] = time.process_time() - own_before
        load_during = os.getloadavg()[0]

        tally = IngestTally()
        ingest_started = time.monotonic()
        until = ingest_started + args.ingest_seconds
        for thread in threads(ingest_loop, [(c, screens, tally, until, args.screens_per_batch) for c in clients]):
            thread.join(args.ingest_seconds + 150)
        ingest_s = time.monotonic() - ingest_started

        died = [r for r in fleet if r.process.poll() is not None]
    # the replicas are stopped here: their logs are complete
    server_errors = [line for r in fleet for line in log_errors(r.log)]
    guesses = len(stats.server_ms)
    per_guess = {name: round(seconds * 1000 / guesses, 3) if guesses else None for name, seconds in cpu.items()}
    idle_per_s = {name: seconds / args.idle_seconds for name, seconds in idle.items()} if args.idle_seconds else {}
    net = {
        name: round(max(0.0, cpu[name] - rate * elapsed) * 1000 / guesses, 3) if guesses else None
        for name, rate in idle_per_s.items()
    }
    errors = stats.errors + warmup.errors + tally.errors + tally.rejected + warmup.rejected + len(died)
    return {
        "mode": mode,
        "replicas": replicas,
        "players": args.players,
        "guess_p50_ms": percentile(stats.server_ms, 50),
        "guess_p99_ms": percentile(stats.server_ms, 99),
        "guesses_per_s": round(guesses / elapsed, 2) if elapsed else 0.0,
        "screenshots_per_min": round(tally.screens / ingest_s * 60, 2) if ingest_s else 0.0,
        "errors": errors,
        "guesses": guesses,
        "players_seconds": round(elapsed, 2),
        "guess_compute_p50_ms": percentile(stats.guess_ms, 50),
        "guess_compute_p99_ms": percentile(stats.guess_ms, 99),
        "client_rtt_p50_ms": percentile(stats.client_ms, 50),
        "client_rtt_p99_ms": percentile(stats.client_ms, 99),
        "rounds": stats.rounds,
        "recognized": stats.recognized,
        "updates_coalesced": stats.coalesced,
        "cpu_s": {name: round(seconds, 2) for name, seconds in cpu.items()},
        "cpu_ms_per_guess": per_guess,
        "cpu_ms_per_guess_net_of_idle": net,
        "idle_cpu_ms_per_s": {name: round(rate * 1000, 1) for name, rate in idle_per_s.items()},
        "load_average_1m_during_players": round(load_during, 2),
        "load_average_1m_before_players": round(load_before, 2),
        "screenshots_booked": tally.screens,
        "screenshots_rejected": tally.rejected + warmup.rejected,
        "ingest_seconds": round(ingest_s, 2),
        "setup_seconds": round(setup_s, 2),
        "replicas_died": len(died),
        "server_log_errors": len(server_errors),
        "error_samples": list(dict.fromkeys(stats.error_samples + warmup.samples + tally.samples + server_errors))[:10],
    }


def summary(runs: list[dict], args) -> dict:  # noqa: ANN001
    by = {(r["mode"], r["replicas"]): r for r in runs}
    embedded, one, two = by.get(("embedded", 1)), by.get(("cloud", 1)), by.get(("cloud", 2))

    def ratio(a: dict | None, b: dict | None, key: str) -> float | None:
        return round(a[key] / b[key], 3) if a and b and b[key] else None

    figures: dict = {
        "ratio_two_to_one_replicas_guesses_per_s": ratio(two, one, "guesses_per_s"),
        "ratio_two_to_one_replicas_screenshots_per_min": ratio(two, one, "screenshots_per_min"),
        "ratio_cloud_one_replica_to_embedded_guesses_per_s": ratio(one, embedded, "guesses_per_s"),
        "ratio_cloud_one_replica_to_embedded_p99": ratio(one, embedded, "guess_p99_ms"),
        "ratio_cloud_one_replica_to_embedded_screenshots_per_min": ratio(one, embedded, "screenshots_per_min"),
    }
    if two:
        figures["goal"] = f"two replicas: no errors and p99 <= {GOAL_P99_MS:g} ms with {args.players} players"
        figures["goal_met"] = two["errors"] == 0 and two["guess_p99_ms"] <= GOAL_P99_MS
    reference = one or embedded
    cost = (reference or {}).get("cpu_ms_per_guess", {}).get("servers")
    if reference and cost:
        offered = reference["guesses_per_s"]
        per_player = offered / max(1, reference["players"])
        net = reference["cpu_ms_per_guess_net_of_idle"].get("servers") or cost
        idle = reference["idle_cpu_ms_per_s"].get("servers", 0.0)
        capacity = max(1e-9, 1000 - idle) / net  # a core that also carries the replica's idle work
        figures["one_core_per_replica"] = {
            "server_cpu_ms_per_guess": cost,
            "server_cpu_ms_per_guess_net_of_idle": net,
            "server_idle_cpu_ms_per_s": idle,
            "measured_in": f"{reference['mode']}, {reference['replicas']} replica, players phase",
            "assumes": "PostgreSQL, S3 and the players on other machines; guessing CPU-bound on the replica",
            "guesses_per_s_one_core_can_serve": round(capacity, 1),
            "players_one_core_can_serve": int(capacity / per_player) if per_player else None,
            "offered_guesses_per_s": offered,
            "one_replica_core_busy": round(offered / capacity, 3),
            "ratio_two_to_one_replicas_at_this_load": round(min(2.0, max(1.0, offered / capacity)), 3),
            "ratio_two_to_one_replicas_capacity": 2.0,
        }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--players", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0, help="players phase of each configuration")
    parser.add_argument("--ingest-seconds", type=float, help="ingest phase of each configuration (default --seconds)")
    parser.add_argument("--screens-per-batch", type=int, default=SCREENS_PER_BATCH)
    parser.add_argument("--idle-seconds", type=float, default=2.0, help="idle CPU measured before the players")
    parser.add_argument("--speed", type=float, default=350.0, help="drawing speed in 0..255 units per second")
    parser.add_argument("--pause", type=float, default=0.3, help="seconds between strokes")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--out", type=Path, default=RESULTS / "load.json")
    args = parser.parse_args()
    if args.ingest_seconds is None:
        args.ingest_seconds = args.seconds

    signal.signal(signal.SIGINT, signal.default_int_handler)  # also when started in the background (SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop like Ctrl-C: the finally blocks clean up
    drawings = load_drawings()
    started, load_before = time.monotonic(), round(os.getloadavg()[0], 2)
    runs = []
    with tempfile.TemporaryDirectory(prefix="looplab-load-") as tmp:
        work = Path(tmp)
        services = Services(work)
        try:
            services.start()
            for mode, replicas in (("embedded", 1), ("cloud", 1), ("cloud", 2)):
                folder = work / f"{mode}-{replicas}"
                folder.mkdir()
                runs.append(run_config(mode, replicas, services, folder, drawings, args))
                if not args.json:
                    print(json.dumps({k: runs[-1][k] for k in list(runs[-1])[:8]}), file=sys.stderr)
        finally:
            services.close()
    result = {
        "runs": runs,
        **summary(runs, args),
        "latency": "server-side: stroke message received -> guesses sent (server_ms in each reply)",
        "phases": "players for --seconds, then alliance ingest for --ingest-seconds, one after the other",
        "seconds_per_run": args.seconds,
        "ingest_seconds_per_run": args.ingest_seconds,
        "screens_per_batch": args.screens_per_batch,
        "total_seconds": round(time.monotonic() - started, 1),
        **machine(load_before),
    }
    write_result(result, args.out, args.json)


if __name__ == "__main__":
    main()
