"""A demo job: shows progress end to end (console bar, CLI tqdm) without training anything."""

from __future__ import annotations

import os
import time
from typing import Any

from looplab.jobs.kinds import JobKind, ProgressFn, register_job_kind


def demo_work(inputs: dict[str, Any], progress: ProgressFn) -> dict[str, Any]:
    steps = max(1, min(int(inputs.get("steps", 10)), 1000))
    delay = max(0.0, min(float(inputs.get("delay_s", 0.3)), 10.0))
    total = 0
    for step in range(1, steps + 1):
        time.sleep(delay)
        total += step
        if inputs.get("fail_at") == step:
            raise RuntimeError(f"demo failure at step {step}")
        if inputs.get("crash_at") == step:
            os._exit(3)  # simulates a worker killed mid-job
        progress(step / steps, f"step {step}/{steps}")
    return {"steps": steps, "sum": total, "pid": os.getpid()}


DEMO = register_job_kind(JobKind(name="demo", work=demo_work, admin_only=False, description="counts with a pause"))
