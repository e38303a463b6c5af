"""Helpers shared by Pictionary's routers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import HTTPException, Request

from looplab.learning.registry import RegistryError
from looplab.pictionary.service import PictionaryError

T = TypeVar("T")


def known_words(request: Request) -> set[str] | None:
    """The champion's classes, or None when no model is served (words are then taken as they come)."""
    try:
        guesser, _ = request.app.state.models.get("pictionary")
    except (RegistryError, KeyError):
        return None
    return set(guesser.classes)


def answer(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a service call and turn its domain errors into HTTP errors."""
    try:
        return fn(*args, **kwargs)
    except PictionaryError as err:
        raise HTTPException(err.status, str(err)) from err
