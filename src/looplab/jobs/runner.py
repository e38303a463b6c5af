"""Runs queued jobs: claims them in the database, computes in a worker process, records progress and results.

Claiming is a conditional UPDATE (``WHERE state = 'queued'``): on one server or many replicas sharing
PostgreSQL, exactly one claim succeeds. Running jobs send a heartbeat; a job whose owner stopped
beating (a killed replica, a restarted server) is marked interrupted by whoever notices.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import socket
import threading
import traceback
import uuid
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update

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

    return kind.work(inputs, progress)


class JobError(Exception):
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
        self._mark_own_running_interrupted()

    def recover_stale(self, *, all_running: bool = False) -> int:
        """Mark running jobs whose owner is gone as interrupted; returns how many."""
        stale_before = utcnow() - timedelta(seconds=self.stale_after_s)
        with self.db.session() as session:
            query = select(Job).where(Job.state == "running")
            if not all_running:
                query = query.where((Job.heartbeat_at.is_(None)) | (Job.heartbeat_at < stale_before))
            jobs = list(session.scalars(query))
            for job in jobs:
                job.state = "interrupted"
                job.error = "the server running this job stopped before it finished; start it again"
                job.finished_at = utcnow()
        for job in jobs:
            log.warning("job %s (%s) marked interrupted", job.id, job.kind)
        return len(jobs)

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
            result = kind.finish(self.platform, job, output) if kind.finish else output
            self._finish(job_id, "succeeded", result=result)
            self.platform.notifier.notify("job_succeeded", f"Job {kind.name} finished", _summary(result))
        except Exception as err:  # noqa: BLE001 - a failing job must never take the server down
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
                if job is None or job.state in FINAL_STATES:
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
                            update(Job).where(Job.id.in_(running), Job.state == "running").values(heartbeat_at=utcnow())
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
            if job is None:
                return
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

    def _mark_own_running_interrupted(self) -> None:
        try:
            with self.db.session() as session:
                session.execute(
                    update(Job)
                    .where(Job.state == "running", Job.claimed_by == self.instance)
                    .values(
                        state="interrupted",
                        error="the server stopped before the job finished",
                        finished_at=utcnow(),
                    )
                )
        except Exception:  # noqa: BLE001
            log.exception("could not mark running jobs interrupted at shutdown")


def _describe_error(err: BaseException) -> str:
    text = str(err).strip() or type(err).__name__
    return f"{type(err).__name__}: {text}"[:2000]


def _summary(result: dict[str, Any] | None) -> str:
    if not result:
        return ""
    return ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in list(result.items())[:8])
