"""HTTP client for the server's API, shared by the console and the CLI's online verbs."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx


class ApiError(RuntimeError):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"{status}: {detail}")
        self.status = status
        self.detail = detail


class ApiClient:
    def __init__(self, base_url: str, token: str | None = None, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.http = httpx.Client(base_url=self.base_url, timeout=timeout)

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self.http.request(method, path, headers=self._headers(), **kwargs)
        except httpx.TransportError as err:
            raise ApiError(0, f"cannot reach the LoopLab server at {self.base_url} ({type(err).__name__})") from err
        if response.status_code >= 400:
            try:
                detail = response.json().get("detail", response.text)
            except ValueError:
                detail = response.text
            raise ApiError(response.status_code, str(detail))
        if response.status_code == 204 or not response.content:
            return None
        content_type = response.headers.get("content-type", "")
        return response.json() if "json" in content_type else response.content

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.request("POST", path, **kwargs)

    def login(self, name: str, password: str) -> dict[str, Any]:
        out = self.post("/api/auth/login", json={"name": name, "password": password})
        self.token = out["token"]
        return out["user"]

    def register(self, name: str, password: str) -> dict[str, Any]:
        return self.post("/api/auth/register", json={"name": name, "password": password})

    def logout(self) -> None:
        self.post("/api/auth/logout")
        self.token = None

    def me(self) -> dict[str, Any]:
        return self.get("/api/auth/me")

    def submit_job(self, kind: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.post("/api/jobs", json={"kind": kind, "params": params or {}})

    def job(self, job_id: str) -> dict[str, Any]:
        return self.get(f"/api/jobs/{job_id}")

    def follow_job(self, job_id: str, interval_s: float = 0.5, timeout_s: float = 3600) -> Iterator[dict[str, Any]]:
        """Yield the job's state until it ends (each poll), so callers can draw progress."""
        deadline = time.monotonic() + timeout_s
        while True:
            job = self.job(job_id)
            yield job
            if job["state"] in ("succeeded", "failed", "interrupted") or time.monotonic() > deadline:
                return
            time.sleep(interval_s)

    def wait_healthy(self, timeout_s: float = 60.0, on_wait: Callable[[], None] | None = None) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                return self.get("/health")
            except ApiError:
                if time.monotonic() > deadline:
                    raise
                if on_wait:
                    on_wait()
                time.sleep(0.2)
