from __future__ import annotations

import secrets

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from looplab.server.deps import CSRF_COOKIE, SESSION_COOKIE, PlatformDep, UserDep, client_address

router = APIRouter(prefix="/api/auth", tags=["auth"])


class Credentials(BaseModel):
    name: str = Field(max_length=200)
    password: str = Field(max_length=1000)


class UserOut(BaseModel):
    id: str
    name: str
    role: str


class LoginOut(BaseModel):
    token: str
    user: UserOut


@router.post("/register", status_code=201)
def register(body: Credentials, platform: PlatformDep) -> UserOut:
    user = platform.auth.create_user(body.name, body.password)
    return UserOut(id=user.id, name=user.name, role=user.role)


@router.post("/login")
def login(body: Credentials, request: Request, response: Response, platform: PlatformDep) -> LoginOut:
    token, user = platform.auth.login(body.name, body.password, client_address(request))
    secure = request.url.scheme == "https"
    max_age = platform.settings.session_max_age_s
    response.set_cookie(SESSION_COOKIE, token, max_age=max_age, httponly=True, samesite="lax", secure=secure)
    response.set_cookie(
        CSRF_COOKIE,
        secrets.token_urlsafe(24),
        max_age=max_age,
        httponly=False,
        samesite="strict",
        secure=secure,
    )
    return LoginOut(token=token, user=UserOut(id=user.id, name=user.name, role=user.role))


@router.post("/logout", status_code=204)
def logout(user: UserDep, response: Response, platform: PlatformDep) -> Response:
    platform.auth.logout(user)
    response.status_code = 204
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(CSRF_COOKIE)
    return response


@router.get("/me")
def me(user: UserDep) -> UserOut:
    return UserOut(id=user.id, name=user.name, role=user.role)
