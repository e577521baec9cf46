"""Berkas: application wiring, logging, and the ``berkas`` command line.

``create_app(settings)`` builds the FastAPI app over one :class:`Runtime`; the Typer commands
are entrypoints over the same service layer.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from multiprocessing.context import SpawnContext
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Annotated

import structlog
import typer
from fastapi import FastAPI
from pydantic import ValidationError

import web
from cases.api import router as api_router
from cases.audit_verify import VerifyResult
from cases.events import CaseRegistered, CaseTransitioned
from cases.http import middleware as http
from infra.clock import Clock
from infra.config import Settings, describe_errors, old_audit_key
from infra.logs import configure_logging
from infra.runtime import Runtime
from infra.unit_of_work import HandlerTable
from migrations.runner import upgrade
from notifications import handlers as notification_handlers
from notifications.api import router as notifications_router

log = structlog.get_logger("berkas")


def handler_table() -> HandlerTable:
    """Which handlers follow which case event (cosmicpython's bootstrap): whoever must act
    next hears of a case registered or moved on."""
    return {
        CaseRegistered: (notification_handlers.tell_who_acts_next,),
        CaseTransitioned: (notification_handlers.tell_who_acts_next,),
    }


def bootstrap(settings: Settings, clock: Clock | None = None) -> Runtime:
    """The runtime of a process, with the event handlers that follow case use cases."""
    return Runtime.build(settings, clock, handler_table())


def create_app(settings: Settings, clock: Clock | None = None) -> FastAPI:
    configure_logging(settings)
    runtime = bootstrap(settings, clock)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from notifications.scheduler import build_scheduler

        log.info("berkas.start", database=runtime.engine.url.render_as_string(hide_password=True),
                 scheduler=settings.scheduler)
        scheduler = build_scheduler(runtime) if settings.scheduler else None
        app.state.scheduler = scheduler
        if scheduler is not None:
            scheduler.start()
        try:
            yield
        finally:
            if scheduler is not None:
                scheduler.shutdown(wait=True)
            runtime.engine.dispose()

    app = FastAPI(title="Berkas", version="0.1.0", lifespan=lifespan,
                  description="Pengelola berkas verifikasi media dan hibah — Diskominfo")
    app.state.runtime = runtime
    http.install(app, settings.max_upload_bytes)
    app.include_router(api_router)
    app.include_router(notifications_router)
    web.install(app)  # after the API: its error handlers answer pages with pages

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


# --- command line -------------------------------------------------------------------------

cli = typer.Typer(help="Berkas: verifikasi media dan hibah.", no_args_is_help=True)
users_cli = typer.Typer(help="Pengguna.", no_args_is_help=True)
audit_cli = typer.Typer(help="Jejak audit.", no_args_is_help=True)
reminders_cli = typer.Typer(help="Pengingat tenggat.", no_args_is_help=True)
cli.add_typer(users_cli, name="users")
cli.add_typer(audit_cli, name="audit")
cli.add_typer(reminders_cli, name="reminders")


def _settings() -> Settings:
    try:
        settings = Settings()
    except ValidationError as exc:
        typer.echo(f"Konfigurasi tidak valid:\n{describe_errors(exc)}", err=True)
        raise typer.Exit(2) from None
    configure_logging(settings)
    return settings


@contextlib.contextmanager
def _runtime(settings: Settings | None = None) -> Iterator[Runtime]:
    """A command's runtime; its connections are closed when the command is done."""
    runtime = bootstrap(settings or _settings())
    try:
        yield runtime
    finally:
        runtime.engine.dispose()


@cli.command()
def migrate() -> None:
    """Apply the database migrations (safe to run again)."""
    settings = _settings()
    sealed = upgrade(settings.database_url, audit_key=settings.audit_seal_key)
    typer.echo("Migrasi selesai." + (f" {sealed} kepala rantai audit disegel." if sealed else ""))


def worker_app() -> FastAPI:
    """The app of one process of ``berkas serve --workers N``, built from the environment:
    uvicorn imports it by name in each worker it starts. The scheduler runs apart."""
    app = create_app(Settings())
    _freeze_start_up_objects()
    return app


def _freeze_start_up_objects() -> None:
    """Keep what start-up made (modules, routes, workflows: alive for the whole process) out
    of the garbage collector's full passes, which otherwise walk it again and again (the
    sweep spent a tenth of its time there; ``make bench``). For server processes only: a
    test building many apps would keep their garbage."""
    import gc

    gc.collect()
    gc.freeze()


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Alamat (default BERKAS_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default BERKAS_PORT)")] = None,
    workers: Annotated[int, typer.Option(min=1, max=16,
                                         help="Proses server (lebih dari 1: PostgreSQL)")] = 1,
) -> None:
    """Serve Berkas over HTTP, in one process or, on PostgreSQL, in ``--workers`` processes
    (the reminder scheduler then runs once, in a process of its own, not in each of them)."""
    import uvicorn

    settings = _settings()
    updates = {k: v for k, v in {"host": host, "port": port}.items() if v is not None}
    settings = settings.model_copy(update=updates)
    if workers > 1 and settings.database_url.startswith("sqlite"):
        typer.echo("--workers lebih dari 1 hanya untuk PostgreSQL: SQLite menerima satu "
                   "penulis sekaligus, dan proses-proses itu hanya akan saling menunggu.", err=True)
        raise typer.Exit(2)
    typer.echo(f"Berkas mendengarkan di http://{settings.host}:{settings.port} "
               f"(API /api, dokumentasi /docs; {workers} proses)")
    # Behind our own reverse proxies, uvicorn takes the client and the scheme from their
    # X-Forwarded-For and X-Forwarded-Proto, by the rule cases.security.client_address also
    # applies (so applying both gives the same address). With no proxy configured, nobody's
    # forwarded headers are believed (uvicorn would otherwise trust 127.0.0.1).
    proxies = settings.trusted_proxies
    options = {"host": settings.host, "port": settings.port, "log_level": "warning",
               "proxy_headers": bool(proxies), "forwarded_allow_ips": ",".join(proxies) or None}
    if workers == 1:
        app = create_app(settings)
        _freeze_start_up_objects()
        uvicorn.run(app, **options)  # type: ignore[arg-type]
        return
    os.environ["BERKAS_SCHEDULER"] = "false"  # the workers serve; one child process schedules
    schedule = _scheduler_process() if settings.scheduler else contextlib.nullcontext()
    with schedule:
        # Each worker imports Berkas before it answers uvicorn's health check; on two busy
        # cores that takes longer than uvicorn's 5 s, which restarts it over and over.
        uvicorn.run("app:worker_app", factory=True, workers=workers,
                    timeout_worker_healthcheck=60, **options)  # type: ignore[arg-type]


@contextlib.contextmanager
def _scheduler_process() -> Iterator[None]:
    """``berkas worker`` in a child process for as long as the block runs: a process of its
    own, so that a long sweep never holds up the parent while it starts and watches the
    server workers (a thread would share the parent's interpreter lock with them). A child
    that dies is started again, after a pause, so that reminders never stop unseen."""
    import multiprocessing
    import threading

    stopping = threading.Event()
    children = [_start_scheduler(multiprocessing.get_context("spawn"))]

    def _watch() -> None:
        while not stopping.is_set():
            child = children[-1]
            child.join(timeout=1.0)  # a wait on the child, not a nap: returns when it ends
            if child.is_alive() or stopping.is_set():
                continue
            log.error("scheduler.exited", exitcode=child.exitcode)
            if not stopping.wait(5.0):  # a child that cannot start is not restarted in a loop
                children.append(_start_scheduler(multiprocessing.get_context("spawn")))

    watcher = threading.Thread(target=_watch, name="berkas-scheduler-watch", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        stopping.set()
        watcher.join(timeout=10)
        _stop_scheduler(children[-1])


def _start_scheduler(context: SpawnContext) -> BaseProcess:
    child: BaseProcess = context.Process(target=worker, name="berkas-scheduler")
    child.start()
    return child


def _stop_scheduler(child: BaseProcess) -> None:
    """SIGTERM, as a service manager would send: the scheduler shuts down cleanly."""
    if child.is_alive():
        child.terminate()
    child.join(timeout=30)
    if child.is_alive():
        child.kill()


async def _schedule(runtime: Runtime, stop: asyncio.Event) -> None:
    """Run the reminder sweep and the morning digest until ``stop`` is set."""
    from notifications.scheduler import build_scheduler

    scheduler = build_scheduler(runtime)
    scheduler.start()
    try:
        await stop.wait()
    finally:
        scheduler.shutdown(wait=True)


@cli.command()
def demo(
    only_if_empty: Annotated[bool, typer.Option(help="Lewati bila sudah ada data")] = False,
) -> None:
    """Load the Balangan 2026 demo data and print the demo logins."""
    from cases.demo import load_demo
    from cases.demo_data import DEMO_PASSWORD
    from cases.demo_data import USERS as DEMO_USERS

    settings = _settings()
    configure_logging(settings.model_copy(update={"log_level": "WARNING"}))
    with _runtime(settings) as runtime, runtime.sessions() as session:
        users = load_demo(session, runtime.clock(), only_if_empty=only_if_empty,
                          handlers=runtime.handlers, calendar=runtime.calendar,
                          tz=runtime.tz, parameters=runtime.settings.workflow_parameters)
    if users is None:
        typer.echo("Basis data sudah berisi data; data demo tidak dimuat ulang.")
        users = [(username, roles) for username, _, roles in DEMO_USERS]
    typer.echo(f"Akun demo (kata sandi semua: {DEMO_PASSWORD}):")
    for username, roles in users:
        typer.echo(f"  {username:<12} {', '.join(roles)}")


@users_cli.command("create")
def users_create(
    username: str,
    role: Annotated[list[str], typer.Option("--role", help="Peran (boleh berulang)")],
    email: Annotated[str, typer.Option()],
    full_name: Annotated[str, typer.Option("--full-name")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin")] = False,
) -> None:
    """Create a user; the password is read from standard input."""
    from cases.services.users import create_user
    from workflows import BerkasError

    if not password_stdin:
        typer.echo("Berikan kata sandi lewat --password-stdin.", err=True)
        raise typer.Exit(2)
    password = sys.stdin.readline().rstrip("\n")
    with _runtime() as runtime, runtime.sessions() as session:
        try:
            user = create_user(session, username=username, full_name=full_name, email=email,
                               roles=role, password=password, now=runtime.clock())
        except BerkasError as exc:
            typer.echo(f"Gagal: {exc.message} ({exc.code})", err=True)
            raise typer.Exit(1) from None
    typer.echo(f"Pengguna {user.username} dibuat ({', '.join(user.roles)}).")


@audit_cli.command("verify")
def audit_verify(
    workers: Annotated[int, typer.Option(min=1, max=64, help="Proses paralel")] = 1,
) -> None:
    """Check every case chain and the system chain against their sealed heads; exit 1 and
    name every broken chain."""
    from cases import audit_verify as checker

    with _runtime() as runtime, runtime.sessions() as session:
        key = runtime.settings.audit_seal_key
        result = (checker.verify_parallel(runtime.settings.database_url, key, workers)
                  if workers > 1 else checker.verify(session, key))
    if result.ok:
        typer.echo(f"Jejak audit utuh: {result.entries} entri, {result.cases} berkas, "
                   f"{result.system_entries} entri sistem; semua kepala rantai tersegel sah.")
        return
    typer.echo(f"Jejak audit RUSAK: {result.problem_count} masalah.", err=True)
    for line in audit_lines(result):
        typer.echo(line, err=True)
    raise typer.Exit(1)


@audit_cli.command("rekey")
def audit_rekey() -> None:
    """Reseal every chain head under the current audit key, after verifying the whole log
    under the old key, given in BERKAS_AUDIT_OLD_KEY (or the old BERKAS_SECRET_KEY in
    BERKAS_AUDIT_OLD_SECRET_KEY when the key was derived from it)."""
    from cases.audit_seal import RekeyRefused, rekey

    old = old_audit_key(os.environ)
    if old is None:
        typer.echo("Berikan kunci lama lewat BERKAS_AUDIT_OLD_KEY atau "
                   "BERKAS_AUDIT_OLD_SECRET_KEY.", err=True)
        raise typer.Exit(2)
    with _runtime() as runtime, runtime.sessions() as session:
        try:
            count = rekey(session, old, runtime.settings.audit_seal_key)
        except RekeyRefused as exc:
            typer.echo("Jejak audit tidak utuh dengan kunci lama; tidak disegel ulang:", err=True)
            for line in audit_lines(exc.result):
                typer.echo(line, err=True)
            raise typer.Exit(1) from None
    typer.echo(f"{count} kepala rantai disegel ulang dengan kunci baru.")


def audit_lines(result: VerifyResult) -> Iterator[str]:
    """The result as lines for a terminal, in Indonesian."""
    for problem in result.problems:
        where = problem.reference or (f"berkas id={problem.case_id}" if problem.case_id else "")
        at = f", urutan {problem.seq}" if problem.seq else ""
        entry = f", entri id={problem.entry_id}" if problem.entry_id else ""
        yield f"  {where}{at}{entry}: {problem.message} [{problem.code}]"
    if result.problem_count > len(result.problems):
        yield f"  … dan {result.problem_count - len(result.problems)} masalah lain"


@cli.command("backup")
def backup_command(path: Annotated[Path, typer.Argument(help="Berkas cadangan")]) -> None:
    """Back up the whole database to PATH (SQLite online backup; pg_dump for PostgreSQL)."""
    from infra.backup import BackupError, backup

    settings = _settings()
    try:
        backup(settings.database_url, path)
    except BackupError as exc:
        typer.echo(f"Gagal: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"Cadangan tersimpan di {path} ({path.stat().st_size} bita).")


@cli.command("restore")
def restore_command(
    path: Annotated[Path, typer.Argument(help="Berkas cadangan")],
    yes: Annotated[bool, typer.Option("--yes", help="Ya, ganti seluruh isi basis data")] = False,
) -> None:
    """Replace the whole database with a backup, then verify its audit chains."""
    from infra.backup import BackupError, restore

    if not yes:
        typer.echo("Pemulihan mengganti seluruh isi basis data. Hentikan server, lalu ulangi "
                   "dengan --yes.", err=True)
        raise typer.Exit(2)
    settings = _settings()
    try:
        restore(settings.database_url, path)
    except BackupError as exc:
        typer.echo(f"Gagal: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"Basis data dipulihkan dari {path}.")
    audit_verify(workers=1)


@reminders_cli.command("run")
def reminders_run() -> None:
    """Run one reminder sweep now, deliver the email outbox, and print what was sent."""
    from notifications.runner import run_reminders

    with _runtime() as runtime:
        report = run_reminders(runtime)
    for sent in report.sweep.reminders:
        typer.echo(f"  {sent.reference:<14} {sent.kind:<11} → {', '.join(sent.recipients) or '-'}")
    delivery = report.delivery
    typer.echo(
        f"{len(report.sweep.reminders)} pengingat dari {report.sweep.checked} tenggat yang "
        f"diperiksa; surel terkirim {len(delivery.sent)}, dijadwalkan ulang {delivery.retried}, "
        f"gagal {delivery.failed}"
        + ("" if runtime.settings.mail_enabled else " (surel nonaktif: BERKAS_SMTP_HOST kosong)")
    )


@cli.command()
def worker() -> None:
    """Run only the scheduler (reminder sweep and morning digest), without serving HTTP."""

    async def _run(runtime: Runtime) -> None:
        typer.echo(f"Penjadwal berjalan (sapuan tiap {runtime.settings.sweep_seconds} detik). "
                   "Ctrl+C untuk berhenti.")
        stop = asyncio.Event()
        # A service manager stops with SIGTERM: shut down as cleanly as on Ctrl+C.
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        await _schedule(runtime, stop)

    with contextlib.suppress(KeyboardInterrupt), _runtime() as runtime:
        _freeze_start_up_objects()
        asyncio.run(_run(runtime))


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
