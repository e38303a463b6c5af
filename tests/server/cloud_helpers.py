"""Helpers of the cloud-mode and fault tests: a digit to upload, waiting for a job, listing a bucket."""

from __future__ import annotations

import io
import time

import boto3
import httpx
from PIL import Image, ImageDraw, ImageFont


def digit_png(digit: int) -> bytes:
    canvas = Image.new("L", (160, 160), 245)
    font = ImageFont.truetype("DejaVuSans-Bold.ttf", 110)
    ImageDraw.Draw(canvas).text((80, 80), str(digit), fill=10, font=font, anchor="mm")
    png = io.BytesIO()
    canvas.save(png, format="PNG")
    return png.getvalue()


def wait_for_job(client: httpx.Client, job_id: str, headers: dict[str, str], timeout: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        job = client.get(f"/api/jobs/{job_id}", headers=headers).json()
        if job["state"] in ("succeeded", "failed", "interrupted"):
            return job
        assert time.monotonic() < deadline, f"job {job_id} still {job['state']} after {timeout} s: {job}"
        time.sleep(0.3)


def bucket_keys(endpoint: str, bucket: str, prefix: str) -> set[str]:
    pages = boto3.client("s3", endpoint_url=endpoint).get_paginator("list_objects_v2")
    return {
        item["Key"].removeprefix(prefix)
        for page in pages.paginate(Bucket=bucket, Prefix=prefix)
        for item in page.get("Contents", [])
    }
