"""The FastAPI application: platform services opened in the lifespan, one router per resource and app."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

import looplab.jobs.registry_of_kinds  # noqa: F401 - registers job kinds
from looplab import __version__
from looplab.apps import app_modules
from looplab.errors import AppError
from looplab.jobs.runner import JobRunner
from looplab.learning.registry import RegistryError
from looplab.learning.serving import AppModelSpec, ModelServer
from looplab.platform import Platform
from looplab.server.middleware import AccessLogAndHeaders, BodySizeLimit
from looplab.server.routes import auth, jobs, models, notifications
from looplab.settings import Settings, get_settings
from looplab.storage.blobs import BlobStoreError, BlobStoreFull, BlobStoreUnavailable

log = logging.getLogger(__name__)
STATIC = Path(__file__).with_name("static")


def create_app(
    settings: Settings | None = None, platform: Platform | None = None, *, start_jobs: bool = True
) -> FastAPI:
    settings = settings or (platform.settings if platform else get_settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # noqa: ANN202
        opened = platform or Platform.open(settings)
        app.state.platform = opened
        ensure_admin(opened)
        app.state.models = ModelServer(opened.registry, app_model_specs(), refresh_s=settings.model_refresh_s)
        app.state.models.prepare_defaults()
        runner = JobRunner(opened, workers=settings.job_workers, instance=settings.instance_name)
        app.state.runner = runner
        if start_jobs:
            runner.start()
        opened.notifier.start()
        # An app with background work (e.g. a folder watcher) has looplab/<app>/lifecycle.py: start(app) -> stop.
        stoppers = [module.start(app) for module in app_modules("lifecycle")] if start_jobs else []
        log.info("LoopLab %s ready (database %s, blobs %s)", __version__, opened.db.dialect, opened.blobs.describe())
        try:
            yield
        finally:
            for stop in reversed(stoppers):
                stop()
            if start_jobs:
                runner.stop()
            if platform is None:
                opened.close()

    app = FastAPI(title="LoopLab", version=__version__, lifespan=lifespan)
    for router in (auth.router, jobs.router, models.router, notifications.router, *app_routers()):
        app.include_router(router)
    _add_error_handlers(app)
    _add_pages(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_request_bytes)
    app.add_middleware(AccessLogAndHeaders)
    return app


def app_model_specs() -> list[AppModelSpec]:
    from looplab.alliance.serving import MODEL as alliance_model
    from looplab.digits.serving import MODEL as digits_model
    from looplab.pictionary.serving import MODEL as pictionary_model

    return [alliance_model, pictionary_model, digits_model]


def app_routers() -> list[APIRouter]:
    from looplab.alliance.api import router as alliance_router
    from looplab.digits.api import router as digits_router
    from looplab.pictionary.api import router as pictionary_router

    return [alliance_router, pictionary_router, digits_router]


def ensure_admin(platform: Platform) -> None:
    """Create the first admin from LOOPLAB_ADMIN_USER/LOOPLAB_ADMIN_PASSWORD when that user does not exist."""
    from looplab.auth.service import NameTaken

    settings = platform.settings
    if settings.admin_user and settings.admin_password.get_secret_value():
        try:
            platform.auth.create_user(settings.admin_user, settings.admin_password.get_secret_value(), role="admin")
            log.info("created admin user %s from settings", settings.admin_user)
        except NameTaken:
            pass


def _add_pages(app: FastAPI) -> None:
    @app.get("/health", tags=["meta"])
    def health(request: Request) -> dict[str, str]:
        platform: Platform = request.app.state.platform
        return {"status": "ok", "version": __version__, "database": platform.db.dialect}

    for path, page in (("/", "index.html"), ("/play", "play.html"), ("/digits", "digits.html")):
        app.add_api_route(path, _page(STATIC / page), include_in_schema=False, methods=["GET"])

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> FileResponse:
        path = (STATIC / name).resolve()
        if path.parent != STATIC.resolve() or not path.is_file():
            return JSONResponse({"detail": "not found"}, status_code=404)
        return FileResponse(path)


def _page(path: Path):  # noqa: ANN202
    def page() -> FileResponse:
        return FileResponse(path)

    return page


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, err: StarletteHTTPException) -> JSONResponse:
        detail = err.detail if err.status_code != 404 or err.detail != "Not Found" else f"no route {request.url.path}"
        return JSONResponse({"detail": detail}, status_code=err.status_code, headers=getattr(err, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, err: RequestValidationError) -> JSONResponse:
        problems = []
        for error in err.errors():
            where = ".".join(str(part) for part in error.get("loc", ()) if part != "body") or "body"
            problems.append(f"{where}: {error.get('msg', 'invalid')}")
        return JSONResponse({"detail": "invalid request: " + "; ".join(problems)}, status_code=422)

    @app.exception_handler(RegistryError)
    async def no_model(request: Request, err: RegistryError) -> JSONResponse:
        return JSONResponse({"detail": f"model unavailable: {err}"}, status_code=503, headers={"Retry-After": "30"})

    @app.exception_handler(AppError)
    async def domain_error(request: Request, err: AppError) -> JSONResponse:
        return JSONResponse({"detail": str(err)}, status_code=err.status)

    @app.exception_handler(BlobStoreFull)
    async def store_full(request: Request, err: BlobStoreFull) -> JSONResponse:
        return JSONResponse({"detail": str(err)}, status_code=507)

    @app.exception_handler(BlobStoreUnavailable)
    async def store_unavailable(request: Request, err: BlobStoreUnavailable) -> JSONResponse:
        log.warning("blob store unavailable on %s: %s", request.url.path, err)
        return JSONResponse(
            {"detail": "blob store unavailable, try again shortly"}, status_code=503, headers={"Retry-After": "5"}
        )

    @app.exception_handler(BlobStoreError)
    async def store_error(request: Request, err: BlobStoreError) -> JSONResponse:
        return JSONResponse({"detail": f"blob store unavailable: {err}"}, status_code=503, headers={"Retry-After": "5"})

    @app.exception_handler(OperationalError)
    @app.exception_handler(DBAPIError)
    async def database_error(request: Request, err: DBAPIError) -> JSONResponse:
        log.warning("database error on %s: %s", request.url.path, type(err.orig).__name__ if err.orig else err)
        return JSONResponse(
            {"detail": "database unavailable, try again shortly"},
            status_code=503,
            headers={"Retry-After": "5"},
        )
