"""The API fixtures live in tests/conftest.py so every app's tests can use them."""

from tests.conftest import login  # noqa: F401
