from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from looplab.jobs.kinds import JOB_KINDS
from looplab.jobs.models import Job
from looplab.server.deps import RunnerDep, UserDep

router = APIRouter(prefix="/api/jobs", tags=["jobs"])


class JobOut(BaseModel):
    id: str
    kind: str
    state: str
    progress: float
    message: str
    log_tail: str
    result: dict[str, Any] | None
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def of(cls, job: Job) -> JobOut:
        return cls.model_validate(job, from_attributes=True)


class JobIn(BaseModel):
    kind: str = Field(max_length=64)
    params: dict[str, Any] = Field(default_factory=dict)


@router.get("")
def list_jobs(user: UserDep, runner: RunnerDep, limit: int = 50) -> list[JobOut]:
    jobs = runner.list(limit=max(1, min(limit, 500)))
    return [JobOut.of(job) for job in jobs if user.is_admin or job.created_by == user.id]


@router.post("", status_code=202)
def create_job(body: JobIn, user: UserDep, runner: RunnerDep) -> JobOut:
    kind = JOB_KINDS.get(body.kind)
    if kind is None:
        raise HTTPException(422, f"unknown job kind {body.kind!r}; known: {', '.join(sorted(JOB_KINDS))}")
    if kind.admin_only and not user.is_admin:
        raise HTTPException(403, "admin role required for this job")
    return JobOut.of(runner.submit(body.kind, body.params, user.id))


@router.get("/{job_id}")
def get_job(job_id: str, user: UserDep, runner: RunnerDep) -> JobOut:
    job = runner.get(job_id)
    if job is None or not (user.is_admin or job.created_by == user.id):
        raise HTTPException(404, "no such job")
    return JobOut.of(job)
