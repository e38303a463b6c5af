"""The one base of the domain errors the apps and the platform raise: each carries the HTTP status the
server answers it with (a single handler in ``server/app.py``), so routes call services without try/except."""

from __future__ import annotations


class AppError(Exception):
    status = 400
