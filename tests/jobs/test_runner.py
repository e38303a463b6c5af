from __future__ import annotations

import time

import pytest

from looplab.jobs.models import Job
from looplab.jobs.runner import JobError, JobRunner
from looplab.platform import Platform


def wait_final(runner: JobRunner, job_id: str, timeout: float = 60.0) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = runner.get(job_id)
        if job.state in ("succeeded", "failed", "interrupted"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} still {job.state}")


@pytest.fixture
def runner(platform: Platform):
    runner = JobRunner(platform, poll_s=0.05)
    runner.start()
    yield runner
    runner.stop()


def test_job_reports_progress_and_result_from_a_worker_process(runner: JobRunner) -> None:
    import os

    job = runner.submit("demo", {"steps": 4, "delay_s": 0.15})
    fractions = set()
    deadline = time.monotonic() + 60
    while (current := runner.get(job.id)).state not in (
        "succeeded",
        "failed",
    ) and time.monotonic() < deadline:
        fractions.add(round(current.progress, 2))
        time.sleep(0.03)
    assert current.state == "succeeded"
    assert current.result["sum"] == 10
    assert current.result["pid"] != os.getpid()  # computed in a worker, not in the server process
    assert {0.25, 0.5} & fractions
    assert "step 1/4" in current.log_tail


def test_failing_and_crashing_jobs_are_marked_failed_and_the_runner_survives(runner: JobRunner, platform) -> None:
    failing = runner.submit("demo", {"steps": 3, "delay_s": 0.01, "fail_at": 2})
    crashing = runner.submit("demo", {"steps": 3, "delay_s": 0.01, "crash_at": 1})
    after = runner.submit("demo", {"steps": 2, "delay_s": 0.01})
    assert wait_final(runner, failing.id).error == "RuntimeError: demo failure at step 2"
    crashed = wait_final(runner, crashing.id)
    assert crashed.state == "failed" and "worker process died" in crashed.error
    assert wait_final(runner, after.id).state == "succeeded"
    # the runner records a job's end, then notifies: the notice may come a moment after the state
    deadline = time.monotonic() + 10
    while True:
        platform.notifier.drain()
        events = [n.event for n in platform.notifier.history()]
        if (events.count("job_failed") == 2 and "job_succeeded" in events) or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert events.count("job_failed") == 2 and "job_succeeded" in events


def test_unknown_kind_is_refused(runner: JobRunner) -> None:
    with pytest.raises(JobError, match="unknown job kind"):
        runner.submit("no-such-kind")


def test_restart_marks_jobs_left_running_as_interrupted(platform: Platform) -> None:
    with platform.db.session() as session:
        session.add(Job(kind="demo", state="running", claimed_by="dead-server"))
    runner = JobRunner(platform)
    runner.start()
    try:
        jobs = runner.list()
        assert [job.state for job in jobs] == ["interrupted"]
        assert "stopped before it finished" in jobs[0].error
    finally:
        runner.stop()


def test_two_replicas_claim_each_job_exactly_once(postgres_url: str, settings) -> None:
    settings.database_url = postgres_url
    first, second = Platform.open(settings), Platform.open(settings)
    runners = [
        JobRunner(first, poll_s=0.01, instance="replica-a"),
        JobRunner(second, poll_s=0.01, instance="replica-b"),
    ]
    for runner in runners:
        runner.start()
    try:
        jobs = [runners[i % 2].submit("demo", {"steps": 1, "delay_s": 0.0}) for i in range(8)]
        finished = [wait_final(runners[0], job.id, timeout=120) for job in jobs]
        assert all(job.state == "succeeded" for job in finished)
        assert all(job.attempts == 1 for job in finished)  # nobody ran a job twice
        assert {job.claimed_by for job in finished} <= {"replica-a", "replica-b"}
    finally:
        for runner in runners:
            runner.stop()
        first.close()
        second.close()


def test_a_replica_stopped_cleanly_hands_its_running_job_to_another(postgres_url: str, settings) -> None:
    """A rolling deploy: the stopping replica puts its job back in the queue, another one runs it to the end."""
    settings.database_url = postgres_url
    first, second = Platform.open(settings), Platform.open(settings)
    leaving = JobRunner(first, poll_s=0.01, instance="replica-leaving")
    staying = JobRunner(second, poll_s=0.05, instance="replica-staying")
    leaving.start()
    try:
        job = leaving.submit("demo", {"steps": 20, "delay_s": 0.1})
        deadline = time.monotonic() + 60
        while leaving.get(job.id).state != "running" and time.monotonic() < deadline:
            time.sleep(0.02)
        leaving.stop()
        handed = leaving.get(job.id)
        assert handed.state == "queued" and handed.claimed_by is None, handed.message
        staying.start()
        done = wait_final(staying, job.id, timeout=120)
        assert done.state == "succeeded" and done.claimed_by == "replica-staying" and done.attempts == 2
    finally:
        staying.stop()
        first.close()
        second.close()
