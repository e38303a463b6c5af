"""Alliance job kinds: batch ingest (OCR in the worker, booking in the server) and region-classifier training."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from looplab.jobs.kinds import JobKind, ProgressFn, register_job_kind

if TYPE_CHECKING:
    from looplab.jobs.models import Job
    from looplab.platform import Platform


def ingest_prepare(platform: Platform, params: dict[str, Any]) -> dict[str, Any]:
    from looplab.alliance.ingest import prepare_files

    return prepare_files(platform, params)


def ingest_work(inputs: dict[str, Any], progress: ProgressFn) -> dict[str, Any]:
    from looplab.alliance.ingest import read_files

    return read_files(inputs, progress)


def ingest_finish(platform: Platform, job: Job, output: dict[str, Any]) -> dict[str, Any]:
    from looplab.alliance.ingest import record_results

    return record_results(platform, job.id, job.params, output)


def train_prepare(platform: Platform, params: dict[str, Any]) -> dict[str, Any]:
    from looplab.alliance.training_job import prepare_training

    return prepare_training(platform, params)


def train_work(inputs: dict[str, Any], progress: ProgressFn) -> dict[str, Any]:
    from looplab.alliance.training_job import train_and_evaluate

    return train_and_evaluate(inputs, progress)


def train_finish(platform: Platform, job: Job, output: dict[str, Any]) -> dict[str, Any]:
    from looplab.alliance.training_job import register_result

    return register_result(platform, job, output)


INGEST = register_job_kind(
    JobKind(
        name="alliance.ingest",
        work=ingest_work,
        prepare=ingest_prepare,
        finish=ingest_finish,
        admin_only=True,
        description="read alliance screenshots and book their days",
    )
)
TRAIN_REGIONS = register_job_kind(
    JobKind(
        name="alliance.train_regions",
        work=train_work,
        prepare=train_prepare,
        finish=train_finish,
        admin_only=True,
        description="train a region classifier on labelled crops; promoted only if not worse",
    )
)
