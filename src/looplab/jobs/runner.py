"""Runs queued jobs: claims them in the database, computes in a worker process, records progress and results.

Claiming is a conditional UPDATE (``WHERE state = 'queued'``): on one server or many replicas sharing
PostgreSQL, exactly one claim succeeds. Running jobs send a heartbeat; a job whose owner stopped
beating (a killed replica) is queued again by whoever notices, so another replica runs it from the start,
until it was started ``job_max_attempts`` times; after that it is marked interrupted. A replica records a
result only while the job is still its own (``claimed_by``), so a job handed over is never finished twice.
At start on the embedded default (one server) every job left running is marked interrupted.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import queue
import socket
import tempfile
import threading
import traceback
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select, update

from looplab.errors import AppError
from looplab.jobs.kinds import JOB_KINDS, JobKind
from looplab.jobs.models import FINAL_STATES, Job
from looplab.storage.base import utcnow

if TYPE_CHECKING:
    from looplab.platform import Platform

log = logging.getLogger(__name__)
LOG_TAIL_CHARS = 4000

_progress_queue: Any = None  # set in each worker process by _init_worker


def _init_worker(progress_queue: Any) -> None:
    global _progress_queue
    _progress_queue = progress_queue


def _run_in_worker(kind_name: str, job_id: str, inputs: dict[str, Any]) -> dict[str, Any]:
    import looplab.jobs.registry_of_kinds  # noqa: F401 - registers every app's job kinds in the worker

    kind = JOB_KINDS[kind_name]

    def progress(fraction: float, message: str = "") -> None:
        _progress_queue.put((job_id, float(fraction), str(message)))

    with _job_temp_dir():
        return kind.work(inputs, progress)


_TEMP_ENV = ("TMPDIR", "TORCHINDUCTOR_CACHE_DIR")


@contextlib.contextmanager
def _job_temp_dir() -> Iterator[str]:
    """Give the job a temporary folder of its own, removed when it ends, as the worker's temp dir.

    Libraries leave things in the temp dir (torch makes ``torchinductor_<user>/`` when it exports a model);
    the cloud mode promises an app machine with nothing left behind, so a worker's leftovers go with the job.
    """
    saved_env = {name: os.environ.get(name) for name in _TEMP_ENV}
    saved_tempdir = tempfile.tempdir
    with tempfile.TemporaryDirectory(prefix="looplab-job-") as folder:
        os.environ["TMPDIR"] = folder
        os.environ["TORCHINDUCTOR_CACHE_DIR"] = os.path.join(folder, "torchinductor")
        tempfile.tempdir = folder
        try:
            yield folder
        finally:
            tempfile.tempdir = saved_tempdir
            for name, value in saved_env.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


class JobError(AppError):
    status = 400


class JobRunner:
    def __init__(self, platform: Platform, *, workers: int = 1, poll_s: float = 0.5, instance: str = "") -> None:
        import looplab.jobs.registry_of_kinds  # noqa: F401 - every app's job kinds

        self.platform = platform
        self.db = platform.db
        self.workers = max(1, workers)
        self.poll_s = poll_s
        self.instance = instance or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.heartbeat_s = platform.settings.job_heartbeat_s
        self.stale_after_s = platform.settings.job_stale_after_s
        self.max_attempts = max(1, platform.settings.job_max_attempts)
        context = multiprocessing.get_context("spawn")
        self._progress: Any = context.Queue()
        self._context = context
        self._pool: ProcessPoolExecutor | None = None
        self._running: dict[str, Future | threading.Thread] = {}
        self._lock = threading.Lock()
        # One writer at a time for job rows: DuckDB's optimistic concurrency refuses two threads updating the
        # same row at once (the heartbeat and a progress update would otherwise conflict).
        self._row_lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    # --- public API -------------------------------------------------------------------------------
    def submit(self, kind: str, params: dict[str, Any] | None = None, user_id: str | None = None) -> Job:
        if kind not in JOB_KINDS:
            raise JobError(f"unknown job kind {kind!r}; known: {', '.join(sorted(JOB_KINDS))}")
        with self.db.session() as session:
            job = Job(kind=kind, params=params or {}, created_by=user_id, message="queued")
            session.add(job)
        self._wake.set()
        return job

    def get(self, job_id: str) -> Job | None:
        with self.db.session() as session:
            return session.get(Job, job_id)

    def list(self, limit: int = 50, kind: str | None = None) -> list[Job]:
        query = select(Job).order_by(Job.created_at.desc()).limit(limit)
        if kind:
            query = query.where(Job.kind == kind)
        with self.db.session() as session:
            return list(session.scalars(query))

    def start(self) -> None:
        self.recover_stale(all_running=self.platform.db.is_duckdb)
        for target, name in (
            (self._poll_loop, "jobs-poll"),
            (self._progress_loop, "jobs-progress"),
            (self._heartbeat_loop, "jobs-heartbeat"),
        ):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        self._progress.put(None)
        if self._pool is not None:
            processes = list((getattr(self._pool, "_processes", None) or {}).values())
            self._pool.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                process.terminate()
        for thread in self._threads:
            thread.join(timeout)
        self._release_own_running()

    def recover_stale(self, *, all_running: bool = False) -> int:
        """Hand over running jobs whose owner is gone; returns how many.

        A job whose heartbeat is older than ``job_stale_after_s`` goes back to the queue (another replica
        runs it again) while it has attempts left, else it is marked interrupted. ``all_running`` (the
        embedded default's start: no other server can own a job) marks every running job interrupted.
        """
        stale_before = utcnow() - timedelta(seconds=self.stale_after_s)
        stale = (Job.heartbeat_at.is_(None)) | (Job.heartbeat_at < stale_before)
        with self.db.session() as session:
            query = select(Job.id, Job.kind, Job.attempts, Job.claimed_by).where(Job.state == "running")
            if not all_running:
                query = query.where(stale, or_(Job.claimed_by.is_(None), Job.claimed_by != self.instance))
            found = list(session.execute(query))
        handed = 0
        for job_id, kind, attempts, owner in found:
            requeue = not all_running and attempts < self.max_attempts
            if requeue:
                values: dict[str, Any] = {
                    "state": "queued",
                    "claimed_by": None,
                    "heartbeat_at": None,
                    "progress": 0.0,
                    "message": f"queued again: {owner or 'its server'} stopped before it finished",
                }
            else:
                values = {
                    "state": "interrupted",
                    "error": "the server running this job stopped before it finished; start it again",
                    "finished_at": utcnow(),
                }
            condition = [Job.id == job_id, Job.state == "running"]
            if not all_running:
                condition.append(stale)
            with self._row_lock, self.db.session() as session:
                changed = session.execute(update(Job).where(*condition).values(**values)).rowcount
            if changed == 1:
                handed += 1
                if requeue:
                    log.warning("job %s (%s) of %s queued again (attempt %d done)", job_id, kind, owner, attempts)
                    self._wake.set()
                else:
                    log.warning("job %s (%s) marked interrupted", job_id, kind)
        return handed

    # --- loops --------------------------------------------------------------------------------------
    def _poll_loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.poll_s)
            self._wake.clear()
            try:
                while not self._stop.is_set() and self._free_slots() > 0 and self._claim_and_start():
                    pass
            except Exception:  # noqa: BLE001 - the loop must survive a database hiccup
                log.exception("job poll failed")

    def _free_slots(self) -> int:
        with self._lock:
            return self.workers - len(self._running)

    def _claim_and_start(self) -> bool:
        with self.db.session() as session:
            candidates = list(
                session.scalars(
                    select(Job.id)
                    .where(Job.state == "queued", Job.kind.in_(list(JOB_KINDS)))
                    .order_by(Job.created_at)
                    .limit(5)
                )
            )
        for job_id in candidates:
            now = utcnow()
            with self.db.session() as session:
                claimed = session.execute(
                    update(Job)
                    .where(Job.id == job_id, Job.state == "queued")
                    .values(
                        state="running",
                        claimed_by=self.instance,
                        started_at=now,
                        heartbeat_at=now,
                        message="starting",
                        attempts=Job.attempts + 1,
                    )
                ).rowcount
            if claimed == 1:
                thread = threading.Thread(target=self._execute, args=(job_id,), name=f"job-{job_id[:8]}", daemon=True)
                with self._lock:
                    self._running[job_id] = thread
                thread.start()
                return True
        return False

    def _execute(self, job_id: str) -> None:
        job = self.get(job_id)
        kind = JOB_KINDS[job.kind]
        try:
            inputs = kind.prepare(self.platform, job.params) if kind.prepare else dict(job.params)
            output = self._compute(kind, job_id, inputs)
            if not self._still_mine(job_id):
                log.warning("job %s (%s) was handed to another server meanwhile: result dropped", job_id, kind.name)
                return
            result = kind.finish(self.platform, job, output) if kind.finish else output
            self._finish(job_id, "succeeded", result=result)
            self.platform.notifier.notify("job_succeeded", f"Job {kind.name} finished", _summary(result))
        except Exception as err:  # noqa: BLE001 - a failing job must never take the server down
            if self._stop.is_set():  # this server is stopping and ended the job's worker: not the job's fault;
                return  # stop() hands the job over (or marks it interrupted)
            message = _describe_error(err)
            log.warning("job %s (%s) failed: %s", job_id, kind.name, message)
            try:
                self._finish(job_id, "failed", error=message, log_extra=traceback.format_exc(limit=5))
            except Exception:  # noqa: BLE001 - the database is gone too: the stale sweep will mark it later
                log.warning("could not record the failure of job %s", job_id)
            self.platform.notifier.notify("job_failed", f"Job {kind.name} failed", message)
        finally:
            with self._lock:
                self._running.pop(job_id, None)
            self._wake.set()

    def _compute(self, kind: JobKind, job_id: str, inputs: dict[str, Any]) -> dict[str, Any]:
        if not kind.in_worker_process:
            return kind.work(
                inputs,
                lambda fraction, message="": self._progress.put((job_id, float(fraction), str(message))),
            )
        pool = self._ensure_pool()
        try:
            return pool.submit(_run_in_worker, kind.name, job_id, inputs).result()
        except BrokenProcessPool as err:
            self._reset_pool(pool)
            raise RuntimeError("the worker process died (killed or out of memory) before the job finished") from err

    def _still_mine(self, job_id: str) -> bool:
        """Renew the heartbeat only if this server still owns the job (not handed over as stale)."""
        with self._row_lock, self.db.session() as session:
            return (
                session.execute(
                    update(Job)
                    .where(Job.id == job_id, Job.state == "running", Job.claimed_by == self.instance)
                    .values(heartbeat_at=utcnow())
                ).rowcount
                == 1
            )

    def _ensure_pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=self.workers,
                    mp_context=self._context,
                    initializer=_init_worker,
                    initargs=(self._progress,),
                )
            return self._pool

    def _reset_pool(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is broken:
                self._pool = None
        broken.shutdown(wait=False, cancel_futures=True)

    def _progress_loop(self) -> None:
        while not self._stop.is_set():
            try:
                item = self._progress.get(timeout=0.5)
            except queue.Empty:
                continue
            except (EOFError, OSError):
                return
            if item is None:
                return
            # Coalesce a burst of updates into one write per job.
            latest: dict[str, tuple[float, list[str]]] = {}
            while item is not None:
                job_id, fraction, message = item
                previous = latest.get(job_id, (0.0, []))[1]
                latest[job_id] = (fraction, previous + ([message] if message else []))
                try:
                    item = self._progress.get_nowait()
                except queue.Empty:
                    item = None
            for job_id, (fraction, messages) in latest.items():
                self._record_progress(job_id, fraction, messages)

    def _record_progress(self, job_id: str, fraction: float, messages: list[str]) -> None:
        try:
            with self._row_lock, self.db.session() as session:
                job = session.get(Job, job_id)
                if job is None or job.state in FINAL_STATES or job.claimed_by != self.instance:
                    return
                job.progress = max(0.0, min(1.0, fraction))
                if messages:
                    job.message = messages[-1][:500]
                    job.log_tail = (job.log_tail + "".join(m + "\n" for m in messages))[-LOG_TAIL_CHARS:]
                job.heartbeat_at = utcnow()
        except Exception:  # noqa: BLE001
            log.exception("could not record progress of job %s", job_id)

    def _heartbeat_loop(self) -> None:
        while not self._stop.wait(self.heartbeat_s):
            try:
                with self._lock:
                    running = list(self._running)
                if running:
                    with self._row_lock, self.db.session() as session:
                        session.execute(
                            update(Job)
                            .where(Job.id.in_(running), Job.state == "running", Job.claimed_by == self.instance)
                            .values(heartbeat_at=utcnow())
                        )
                self.recover_stale()
            except Exception:  # noqa: BLE001
                log.exception("job heartbeat failed")

    def _finish(
        self,
        job_id: str,
        state: str,
        *,
        result: dict | None = None,
        error: str | None = None,
        log_extra: str = "",
    ) -> None:
        with self._row_lock, self.db.session() as session:
            job = session.get(Job, job_id)
            if job is None or job.state != "running" or job.claimed_by != self.instance:
                return  # handed over to another server meanwhile: its run records the outcome
            job.state = state
            job.finished_at = utcnow()
            job.result = result
            job.error = error
            if state == "succeeded":
                job.progress = 1.0
                job.message = "done"
            else:
                job.message = error or state
            if log_extra:
                job.log_tail = (job.log_tail + log_extra)[-LOG_TAIL_CHARS:]

    def _release_own_running(self) -> None:
        """At a clean stop (a rolling deploy, Ctrl-C): on a shared database the jobs this server was running go
        back to the queue for another replica while they have attempts left; otherwise they are interrupted."""
        own = [Job.state == "running", Job.claimed_by == self.instance]
        try:
            with self._row_lock, self.db.session() as session:
                if not self.db.is_duckdb:
                    session.execute(
                        update(Job)
                        .where(*own, Job.attempts < self.max_attempts)
                        .values(
                            state="queued",
                            claimed_by=None,
                            heartbeat_at=None,
                            progress=0.0,
                            message=f"queued again: {self.instance} stopped before it finished",
                        )
                    )
                session.execute(
                    update(Job)
                    .where(*own)
                    .values(
                        state="interrupted", error="the server stopped before the job finished", finished_at=utcnow()
                    )
                )
        except Exception:  # noqa: BLE001
            log.exception("could not release running jobs at shutdown")


def _describe_error(err: BaseException) -> str:
    text = str(err).strip() or type(err).__name__
    return f"{type(err).__name__}: {text}"[:2000]


def _summary(result: dict[str, Any] | None) -> str:
    if not result:
        return ""
    return ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in list(result.items())[:8])
