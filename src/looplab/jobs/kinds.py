"""Job kinds: what a job prepares in the server, computes in a worker, and records when it finishes.

The split exists for DuckDB: only the server process may open the database file, so ``prepare`` (reads)
and ``finish`` (writes) run in the server while ``work`` gets plain inputs and returns plain outputs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from looplab.jobs.models import Job
    from looplab.platform import Platform

ProgressFn = Callable[[float, str], None]
WorkFn = Callable[[dict[str, Any], ProgressFn], dict[str, Any]]
PrepareFn = Callable[["Platform", dict[str, Any]], dict[str, Any]]
FinishFn = Callable[["Platform", "Job", dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class JobKind:
    name: str
    work: WorkFn  # a module-level function: it is pickled into the worker process
    prepare: PrepareFn | None = None
    finish: FinishFn | None = None
    in_worker_process: bool = True  # False for light I/O work that can stay in a server thread
    admin_only: bool = True
    description: str = ""


JOB_KINDS: dict[str, JobKind] = {}


def register_job_kind(kind: JobKind) -> JobKind:
    JOB_KINDS[kind.name] = kind
    return kind
