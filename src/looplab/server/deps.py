"""Dependencies injected into routes: the platform, the job runner, the current user."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from looplab.auth.service import AuthError, CurrentUser
from looplab.jobs.runner import JobRunner
from looplab.platform import Platform

SESSION_COOKIE = "looplab_session"
CSRF_COOKIE = "looplab_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_platform(request: Request) -> Platform:
    return request.app.state.platform


def get_runner(request: Request) -> JobRunner:
    return request.app.state.runner


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _token_from(request: Request) -> tuple[str | None, bool]:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip(), False
    return request.cookies.get(SESSION_COOKIE), True


def current_user(request: Request, platform: Annotated[Platform, Depends(get_platform)]) -> CurrentUser:
    token, via_cookie = _token_from(request)
    if not token:
        raise HTTPException(401, "not logged in", headers={"WWW-Authenticate": "Bearer"})
    try:
        user = platform.auth.resolve(token)
    except AuthError as err:
        raise HTTPException(err.status, str(err), headers={"WWW-Authenticate": "Bearer"}) from err
    if via_cookie and request.method not in SAFE_METHODS:
        # Double-submit cookie: a cross-site form can send our cookie but cannot read it to set the header.
        sent = request.headers.get(CSRF_HEADER, "")
        expected = request.cookies.get(CSRF_COOKIE, "")
        if not expected or not hmac.compare_digest(sent, expected):
            raise HTTPException(403, "missing or wrong CSRF token (send the looplab_csrf cookie value as X-CSRF-Token)")
    return user


def require_admin(user: Annotated[CurrentUser, Depends(current_user)]) -> CurrentUser:
    if not user.is_admin:
        raise HTTPException(403, "admin role required")
    return user


PlatformDep = Annotated[Platform, Depends(get_platform)]
RunnerDep = Annotated[JobRunner, Depends(get_runner)]
UserDep = Annotated[CurrentUser, Depends(current_user)]
AdminDep = Annotated[CurrentUser, Depends(require_admin)]
