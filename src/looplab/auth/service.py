"""Users, passwords (argon2), sessions (signed ids, revocable) and login rate limiting."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from looplab.auth.models import ROLES, LoginAttempt, Session, User
from looplab.errors import AppError
from looplab.storage.base import utcnow
from looplab.storage.db import Database

NAME_PATTERN = re.compile(r"^[\w.\-]{2,32}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 256

_hasher = PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A real hash to verify against when the user does not exist, so timing does not reveal which names exist."""
    return _hasher.hash("looplab-dummy-password")


class AuthError(AppError):
    """Base class: ``status`` is the HTTP status the API answers with."""

    status = 400


class InvalidInput(AuthError):
    status = 422


class NameTaken(AuthError):
    status = 409


class BadCredentials(AuthError):
    status = 401


class TooManyAttempts(AuthError):
    status = 429


class NotAuthenticated(AuthError):
    status = 401


@dataclass(frozen=True)
class CurrentUser:
    id: str
    name: str
    role: str
    session_id: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def normalise_name(name: str) -> str:
    return unicodedata.normalize("NFKC", name).strip()


def validate_credentials(name: str, password: str) -> str:
    name = normalise_name(name)
    if not name:
        raise InvalidInput("user name is empty")
    if not NAME_PATTERN.match(name):
        raise InvalidInput("user name must be 2 to 32 letters, digits, '.', '-' or '_'")
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"password must have at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(f"password must have at most {MAX_PASSWORD} characters")
    return name


class AuthService:
    def __init__(
        self,
        db: Database,
        secret: str,
        *,
        max_age_s: int = 7 * 24 * 3600,
        max_failures: int = 5,
        window_s: int = 300,
    ) -> None:
        self.db = db
        self.signer = URLSafeTimedSerializer(secret, salt="looplab-session")
        self.max_age_s = max_age_s
        self.max_failures = max_failures
        self.window_s = window_s

    def create_user(self, name: str, password: str, role: str = "player") -> User:
        name = validate_credentials(name, password)
        if role not in ROLES:
            raise InvalidInput(f"role must be one of {', '.join(ROLES)}")
        try:
            with self.db.session() as session:
                if session.scalar(select(User).where(func.lower(User.name) == name.lower())):
                    raise NameTaken(f"the name {name!r} is taken")
                user = User(name=name, password_hash=_hasher.hash(password), role=role)
                session.add(user)
            return user
        except IntegrityError as err:
            raise NameTaken(f"the name {name!r} is taken") from err

    def set_role(self, name: str, role: str) -> None:
        if role not in ROLES:
            raise InvalidInput(f"role must be one of {', '.join(ROLES)}")
        with self.db.session() as session:
            user = session.scalar(select(User).where(User.name == normalise_name(name)))
            if user is None:
                raise InvalidInput(f"unknown user {name!r}")
            user.role = role

    def login(self, name: str, password: str, address: str = "unknown") -> tuple[str, CurrentUser]:
        """Check the password and open a session; returns the signed token and the user."""
        name = normalise_name(name)[:64]
        if not name or not password:
            raise InvalidInput("user name and password are required")
        if len(password) > MAX_PASSWORD:
            raise BadCredentials("wrong user name or password")
        self._check_rate(name, address)
        with self.db.session() as session:
            user = session.scalar(select(User).where(User.name == name))
            ok = False
            try:
                ok = _hasher.verify(user.password_hash if user else _dummy_hash(), password) and user is not None
            except (VerificationError, InvalidHashError):
                ok = False
            session.add(LoginAttempt(name=name, address=address[:64], success=ok))
            if not ok or user is None or user.disabled:
                failure = BadCredentials("wrong user name or password")
            else:
                failure = None
                if _hasher.check_needs_rehash(user.password_hash):
                    user.password_hash = _hasher.hash(password)
                login = Session(user_id=user.id, expires_at=utcnow() + timedelta(seconds=self.max_age_s))
                session.add(login)
                session.flush()
                current = CurrentUser(id=user.id, name=user.name, role=user.role, session_id=login.id)
        if failure:
            raise failure
        return self.signer.dumps(current.session_id), current

    def _check_rate(self, name: str, address: str) -> None:
        since = utcnow() - timedelta(seconds=self.window_s)
        with self.db.session() as session:
            by_name = session.scalar(
                select(func.count())
                .select_from(LoginAttempt)
                .where(
                    LoginAttempt.name == name,
                    LoginAttempt.attempted_at >= since,
                    LoginAttempt.success.is_(False),
                )
            )
            by_address = session.scalar(
                select(func.count())
                .select_from(LoginAttempt)
                .where(
                    LoginAttempt.address == address,
                    LoginAttempt.attempted_at >= since,
                    LoginAttempt.success.is_(False),
                )
            )
        if (by_name or 0) >= self.max_failures or (by_address or 0) >= self.max_failures * 4:
            raise TooManyAttempts(f"too many failed logins; try again in {self.window_s // 60} minutes")

    def resolve(self, token: str) -> CurrentUser:
        """The user behind a cookie or bearer token; forged, expired and revoked tokens are refused."""
        try:
            session_id = self.signer.loads(token, max_age=self.max_age_s)
        except SignatureExpired as err:
            raise NotAuthenticated("session expired: log in again") from err
        except BadSignature as err:
            raise NotAuthenticated("invalid session token") from err
        with self.db.session() as session:
            row = session.execute(
                select(Session, User).join(User, User.id == Session.user_id).where(Session.id == session_id)
            ).first()
        if row is None:
            raise NotAuthenticated("invalid session token")
        login, user = row
        if login.revoked or login.expires_at < utcnow() or user.disabled:
            raise NotAuthenticated("session expired: log in again")
        return CurrentUser(id=user.id, name=user.name, role=user.role, session_id=login.id)

    def logout(self, current: CurrentUser) -> None:
        with self.db.session() as session:
            login = session.get(Session, current.session_id)
            if login:
                login.revoked = True
