"""The ``looplab`` command. Heavy libraries are imported inside commands so ``--help`` stays fast."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from looplab.apps import app_modules

app = typer.Typer(help="LoopLab: small image models with a human in the loop.", no_args_is_help=True)
users_app = typer.Typer(help="Manage users (offline: opens the database directly).", no_args_is_help=True)
jobs_app = typer.Typer(help="Server jobs (online).", no_args_is_help=True)
models_app = typer.Typer(help="Model registry (online).", no_args_is_help=True)
notify_app = typer.Typer(help="Notifications (online).", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(jobs_app, name="jobs")
app.add_typer(models_app, name="models")
app.add_typer(notify_app, name="notify")

# Each app's offline verbs live in looplab/<app>/cli.py (a Typer app); cli_online.py, where an app has one,
# adds the verbs that talk to the server to that same Typer app.
for _module in app_modules("cli"):
    app.add_typer(_module.app, name=_module.__name__.split(".")[1])
app_modules("cli_online")

CREDENTIALS = Path(os.environ.get("LOOPLAB_CREDENTIALS", Path.home() / ".config" / "looplab" / "credentials.json"))


def _settings():  # noqa: ANN202
    from looplab.settings import get_settings

    return get_settings()


def _fail(message: str, code: int = 1) -> None:
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


# --- running ------------------------------------------------------------------------------------------
@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="bind address")] = None,
    port: Annotated[int | None, typer.Option(help="port")] = None,
) -> None:
    """Run the API server in this process (uvicorn)."""
    import uvicorn

    from looplab.platform import Platform
    from looplab.server.app import create_app
    from looplab.server.logs import configure_logging
    from looplab.storage.blobs import BlobStoreError
    from looplab.storage.db import DatabaseUnavailable

    settings = _settings()
    configure_logging(settings.log_level.upper())
    try:
        platform = Platform.open(settings)
    except DatabaseUnavailable as err:
        _fail(f"LoopLab cannot start: {err}.\nCheck LOOPLAB_DATABASE_URL and that the database is running.", 2)
    except BlobStoreError as err:
        _fail(f"LoopLab cannot start: {err}.\nCheck LOOPLAB_BLOB_URL and its permissions.", 2)
    except Exception as err:  # noqa: BLE001 - e.g. a DuckDB file held by another process
        _fail(f"LoopLab cannot start: {type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}", 2)
    uvicorn.run(
        create_app(settings, platform),
        host=host or settings.host,
        port=port or settings.port,
        log_level="warning",
        ws_max_size=4 * 1024 * 1024,
        # compressing every small guess message cost more CPU than the whole ONNX guess (py-spy under load)
        ws_per_message_deflate=False,
    )
    platform.close()


@app.command()
def console(
    port: Annotated[int | None, typer.Option(help="port")] = None,
    address: Annotated[str, typer.Option(help="bind address (0.0.0.0 in a container)")] = "127.0.0.1",
) -> None:
    """Run the Streamlit console (a client of the server's API)."""
    settings = _settings()
    command = _console_command(port or settings.console_port, address)
    os.execve(sys.executable, command, _console_env(settings))  # become Streamlit: signals reach it directly


def _console_command(port: int, address: str = "127.0.0.1") -> list[str]:
    script = Path(__file__).with_name("console") / "app.py"
    return [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.port", str(port), "--server.address", address, "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--global.developmentMode", "false", "--client.toolbarMode", "viewer",
    ]  # fmt: skip


def _console_env(settings) -> dict[str, str]:  # noqa: ANN001
    return {
        **os.environ,
        "LOOPLAB_SERVER_URL": settings.resolved_server_url,
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    }


@app.command()
def up() -> None:
    """Start the server and the console (what `make run` does); Ctrl-C stops both."""
    from looplab.api_client import ApiClient, ApiError

    settings = _settings()
    # One terminal for both: the server logs warnings only unless LOOPLAB_LOG_LEVEL says otherwise.
    server_env = {"LOOPLAB_LOG_LEVEL": "WARNING", **os.environ}
    server = subprocess.Popen([sys.executable, "-m", "looplab.cli", "serve"], env=server_env)
    client = ApiClient(settings.resolved_server_url)
    try:
        client.wait_healthy(timeout_s=120, on_wait=lambda: server.poll() is not None and _fail("the server stopped", 2))
    except ApiError as err:
        server.terminate()
        _fail(f"the server did not come up: {err}", 2)
    console_process = subprocess.Popen(_console_command(settings.console_port), env=_console_env(settings))
    typer.secho(
        f"\nLoopLab server:  {settings.resolved_server_url}   (API docs {settings.resolved_server_url}/docs)",
        bold=True,
    )
    typer.secho(f"LoopLab console: http://127.0.0.1:{settings.console_port}", bold=True)
    typer.echo(f"Pictionary:      {settings.resolved_server_url}/play")
    if settings.admin_user:
        typer.echo(f"Log in as {settings.admin_user} (LOOPLAB_ADMIN_USER), or register a player on the login page.")
    else:
        typer.echo("Register on the login page; for an admin run: .venv/bin/looplab users create NAME --admin "
                   "(with the server stopped), or set LOOPLAB_ADMIN_USER and LOOPLAB_ADMIN_PASSWORD.")  # fmt: skip
    typer.echo("Ctrl-C stops both.\n")
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    try:
        while not stopping and server.poll() is None and console_process.poll() is None:
            time.sleep(0.3)
    except KeyboardInterrupt:
        pass
    finally:
        for process in (console_process, server):
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in (console_process, server):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        typer.echo("LoopLab stopped.")


# --- users (offline) ------------------------------------------------------------------------------------
@users_app.command("create")
def users_create(
    name: str,
    admin: Annotated[bool, typer.Option("--admin", help="give the admin role")] = False,
    password: Annotated[str | None, typer.Option(help="password (prompted when left out)")] = None,
) -> None:
    """Create a user in the database (run with the server stopped in the embedded default)."""
    from looplab.auth.service import AuthError
    from looplab.platform import Platform

    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        platform = Platform.open(_settings(), check_blobs=False)
    except Exception as err:  # noqa: BLE001
        _fail(
            f"cannot open the database ({str(err).splitlines()[0]}); in the embedded default stop the server first",
            2,
        )
    try:
        user = platform.auth.create_user(name, password, role="admin" if admin else "player")
    except AuthError as err:
        _fail(str(err))
    finally:
        platform.close()
    typer.echo(f"created {user.role} {user.name}")


# --- moving between the embedded default and the cloud mode (offline) -------------------------------------
def _transfer(source: tuple[str, str], target: tuple[str, str]) -> None:
    from tqdm import tqdm

    from looplab.storage.blobs import BlobStore
    from looplab.storage.db import Database
    from looplab.storage.transfer import TransferError, transfer

    bars: dict[str, tqdm] = {}

    def progress(name: str, done: int, total: int) -> None:
        bar = bars.get(name) or bars.setdefault(
            name, tqdm(total=total, desc=name, unit="row" if name != "blobs" else "blob")
        )
        bar.n = done
        bar.refresh()

    source_db, target_db = Database(_database_url(source[0])), Database(_database_url(target[0]))
    try:
        report = transfer(source_db, BlobStore(source[1]), target_db, BlobStore(target[1]), progress)
    except TransferError as err:
        _fail(f"transfer stopped: {err}")
    finally:
        for bar in bars.values():
            bar.close()
        source_db.dispose()
        target_db.dispose()
    typer.echo(
        f"copied {report.total_rows} rows in {len(report.rows)} tables and {report.blobs_copied} blobs "
        f"({report.blobs_present} already there); counts and checksums verified"
    )


def _database_url(url: str) -> str:
    from looplab.settings import Settings

    return Settings(database_url=url).resolved_database_url


@app.command("export")
def export_data(
    database: Annotated[str, typer.Option("--to-database", help="target database URL (postgresql://… or duckdb:///…)")],
    blobs: Annotated[str, typer.Option("--to-blobs", help="target blob URL (s3://bucket/prefix or a folder)")],
) -> None:
    """Copy everything of this deployment (its settings) to another database and blob store."""
    settings = _settings()
    _transfer((settings.resolved_database_url, settings.resolved_blob_url), (database, blobs))


@app.command("import")
def import_data(
    database: Annotated[str, typer.Option("--from-database", help="source database URL")],
    blobs: Annotated[str, typer.Option("--from-blobs", help="source blob URL")],
) -> None:
    """Copy everything from another deployment into this one (its settings); the target must be empty."""
    settings = _settings()
    _transfer((database, blobs), (settings.resolved_database_url, settings.resolved_blob_url))


# --- online verbs ---------------------------------------------------------------------------------------
def _client():  # noqa: ANN202
    from looplab.api_client import ApiClient

    settings = _settings()
    url = settings.resolved_server_url
    token = os.environ.get("LOOPLAB_TOKEN")
    if not token and CREDENTIALS.exists():
        token = json.loads(CREDENTIALS.read_text()).get(url)
    return ApiClient(url, token)


def _call(fn):  # noqa: ANN001, ANN202
    from looplab.api_client import ApiError

    try:
        return fn()
    except ApiError as err:
        hint = "  (log in with: looplab login NAME)" if err.status == 401 else ""
        _fail(f"error {err}{hint}")


@app.command()
def login(name: str, password: Annotated[str | None, typer.Option(help="prompted when left out")] = None) -> None:
    """Log in to the server; the token is kept in ~/.config/looplab/credentials.json."""
    client = _client()
    if password is None:
        password = typer.prompt("Password", hide_input=True)
    user = _call(lambda: client.login(name, password))
    stored = json.loads(CREDENTIALS.read_text()) if CREDENTIALS.exists() else {}
    stored[client.base_url] = client.token
    CREDENTIALS.parent.mkdir(parents=True, exist_ok=True)
    CREDENTIALS.write_text(json.dumps(stored))
    CREDENTIALS.chmod(0o600)
    typer.echo(f"logged in as {user['name']} ({user['role']}) on {client.base_url}")


def follow_job_with_progress(client, job: dict) -> dict:  # noqa: ANN001
    """Draw a tqdm bar for a server job until it ends; returns the final job."""
    from tqdm import tqdm

    with tqdm(total=100, desc=job["kind"], unit="%", bar_format="{l_bar}{bar}| {n:.0f}% {postfix}") as bar:
        for state in client.follow_job(job["id"]):
            bar.n = round(state["progress"] * 100, 1)
            bar.set_postfix_str(state["message"][:60])
            bar.refresh()
            job = state
    return job


@jobs_app.command("demo")
def jobs_demo(steps: int = 10, delay: float = 0.3) -> None:
    """Start the demo job and follow its progress."""
    client = _client()
    job = _call(lambda: client.submit_job("demo", {"steps": steps, "delay_s": delay}))
    job = _call(lambda: follow_job_with_progress(client, job))
    typer.echo(json.dumps({"id": job["id"], "state": job["state"], "result": job["result"], "error": job["error"]}))
    raise typer.Exit(0 if job["state"] == "succeeded" else 1)


@jobs_app.command("show")
def jobs_show(job_id: str, follow: Annotated[bool, typer.Option("--follow", "-f")] = False) -> None:
    """Show a job (and follow it with a progress bar)."""
    client = _client()
    job = _call(lambda: client.job(job_id))
    if follow:
        job = _call(lambda: follow_job_with_progress(client, job))
    typer.echo(json.dumps(job, indent=2))


@jobs_app.command("list")
def jobs_list() -> None:
    client = _client()
    for job in _call(lambda: client.get("/api/jobs")):
        typer.echo(
            f"{job['id']}  {job['kind']:<20} {job['state']:<12} {job['progress'] * 100:5.1f}%  {job['message'][:50]}"
        )


@models_app.command("list")
def models_list(app_name: Annotated[str | None, typer.Option("--app")] = None) -> None:
    client = _client()
    params = {"app": app_name} if app_name else {}
    for model in _call(lambda: client.get("/api/models", params=params)):
        metrics = ", ".join(f"{k}={v}" for k, v in list(model["metrics"].items())[:4])
        typer.echo(f"{model['app']:<12} v{model['version']:<4} {model['status']:<10} {model['id']}  {metrics}")


@models_app.command("promote")
def models_promote(version_id: str) -> None:
    client = _client()
    model = _call(lambda: client.post(f"/api/models/{version_id}/promote"))
    typer.echo(f"{model['app']} v{model['version']} is the champion")


@models_app.command("rollback")
def models_rollback(app_name: str) -> None:
    client = _client()
    model = _call(lambda: client.post(f"/api/models/{app_name}/rollback"))
    typer.echo(f"{model['app']} rolled back to v{model['version']}")


@notify_app.command("test")
def notify_test() -> None:
    client = _client()
    out = _call(lambda: client.post("/api/notifications/test"))
    typer.echo(f"queued notification {out['id']}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
