"""Real services for tests, started on loopback: PostgreSQL from the Debian package."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its programs as the postgres user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@dataclass
class PostgresServer:
    bindir: str
    datadir: str
    port: int
    databases: list[str] = field(default_factory=list)

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def new_database(self) -> str:
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        self.databases.append(name)
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def pg_ctl(self, action: str, timeout: int = 30) -> None:
        options = f"-p {self.port} -k {self.datadir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        subprocess.run(
            _as_postgres(
                [
                    f"{self.bindir}/pg_ctl",
                    "-D",
                    f"{self.datadir}/data",
                    "-o",
                    options,
                    "-l",
                    f"{self.datadir}/log",
                    "-w",
                    "-t",
                    str(timeout),
                    action,
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.pg_ctl("stop")
        shutil.rmtree(self.datadir, ignore_errors=True)


def find_postgres_bindir() -> str | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if candidates:
        return os.path.dirname(candidates[0])
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


def start_postgres() -> PostgresServer | None:
    bindir = find_postgres_bindir()
    if bindir is None:
        return None
    datadir = tempfile.mkdtemp(prefix="looplab-pg-")
    if os.geteuid() == 0:
        shutil.chown(datadir, "postgres", "postgres")
    subprocess.run(
        _as_postgres([f"{bindir}/initdb", "-D", f"{datadir}/data", "-A", "trust", "-U", "postgres", "--no-sync"]),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    server = PostgresServer(bindir=bindir, datadir=datadir, port=free_port())
    server.pg_ctl("start")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", server.port)) == 0:
                return server
        time.sleep(0.1)
    raise RuntimeError("PostgreSQL did not start")


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


@contextlib.contextmanager
def looplab_process(args: list[str], env: dict[str, str], port: int, log_path: str | os.PathLike) -> Iterator[str]:
    """Runs ``looplab ARGS`` (a server or the console) until the block ends; yields its loopback URL."""
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "looplab.cli", *args],
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_port(port, 60)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(10)


@dataclass
class Replica:
    """A ``looplab serve`` in a process group of its own: ``kill()`` is a kill -9 of the server and its job
    workers at once, as when a machine or container dies."""

    url: str
    port: int
    process: subprocess.Popen

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)


@contextlib.contextmanager
def looplab_replica(data_dir: str | os.PathLike, log_path: str | os.PathLike, **env: str) -> Iterator[Replica]:
    """A real ``looplab serve`` on a free loopback port with the admin ``admin`` / ``admin-password``,
    yielded as a ``Replica`` that can be killed."""
    port = free_port()
    settings = {
        "LOOPLAB_DATA_DIR": str(data_dir),
        "LOOPLAB_PORT": str(port),
        "LOOPLAB_ADMIN_USER": "admin",
        "LOOPLAB_ADMIN_PASSWORD": "admin-password",
        **env,
    }
    if "LOOPLAB_DATABASE_URL" not in env:  # the embedded default would watch ./input in the tests' working dir
        settings.setdefault("LOOPLAB_INPUT_DIR", os.path.join(str(data_dir), "input"))
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "looplab.cli", "serve"],
            env={**os.environ, **settings},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_for_port(port, 60)
            yield Replica(f"http://127.0.0.1:{port}", port, process)
        finally:
            if process.poll() is None:
                process.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(10)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # job workers left behind by a server that did not stop
            process.wait(10)


class MotoEndpoint:
    """A moto S3 server of one test alone on a fixed loopback port, so it can be stopped and started again
    (moto keeps its buckets in the test process, so they survive like a real endpoint's)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = None

    def start(self) -> MotoEndpoint:
        from moto.server import ThreadedMotoServer

        with socket.socket() as probe:  # moto's start() waits forever when its thread cannot bind the port
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(("127.0.0.1", self.port))
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self._server.start()
        wait_for_port(self.port, 10)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None


@contextlib.contextmanager
def looplab_server(data_dir: str | os.PathLike, log_path: str | os.PathLike, **env: str) -> Iterator[str]:
    """``looplab_replica``, yielding its URL."""
    with looplab_replica(data_dir, log_path, **env) as replica:
        yield replica.url
