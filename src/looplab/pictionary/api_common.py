"""Helpers shared by Pictionary's routers."""

from __future__ import annotations

from fastapi import Request

from looplab.learning.registry import RegistryError


def known_words(request: Request) -> set[str] | None:
    """The champion's classes, or None when no model is served (words are then taken as they come)."""
    try:
        guesser, _ = request.app.state.models.get("pictionary")
    except (RegistryError, KeyError):
        return None
    return set(guesser.classes)
