"""Rendering pages: one Jinja2 environment, with the filters officers read numbers and dates by."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from cases.permissions import may, read_only
from web.labels import reason_message
from web.session import FLASH, Page, take_flash
from workflows import ROLE_LABELS, format_rupiah, get_definition
from workflows.dates import format_date, format_datetime

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
ENV = TEMPLATES.env
ENV.globals["ROLE_LABELS"] = ROLE_LABELS


def rupiah(value: int | None) -> str:
    """An amount as officers write it (``Rp45.000.000``); "—" for none."""
    return "—" if value is None else format_rupiah(value)


def tanggal(value: date | str | None) -> str:
    """A date (or its ISO text) in words (``Senin, 4 Mei 2026``); "—" for none."""
    if value is None or value == "":
        return "—"
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return format_date(day)


def tgl(value: date | str | None) -> str:
    """A date in words without its weekday (``4 Mei 2026``), where space is scarce (a
    table's cell); "—" for none."""
    if value is None or value == "":
        return "—"
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return format_date(day, weekday=False)


def ribuan(value: int | None) -> str:
    """An amount as one types it into an input (``15.000.000``: thousands dots, no "Rp");
    "" for none."""
    return "" if value is None else f"{value:,}".replace(",", ".")


def _state_label(state: str, workflow: str) -> str:
    return get_definition(workflow).state(state).label


ENV.filters["rupiah"] = rupiah
ENV.filters["tanggal"] = tanggal
ENV.filters["tgl"] = tgl
ENV.filters["ribuan"] = ribuan
ENV.filters["state_label"] = _state_label
# A refusal's reason as officers read it (fields by their labels, never its code).
ENV.filters["reason"] = reason_message


def page(request: Request, template: str, context: dict[str, Any], *,
         who: Page | None = None, status: int = 200) -> HTMLResponse:
    """Render ``template`` for ``who`` (None on the login page); the flash note is used up."""
    tz = request.app.state.runtime.tz
    base: dict[str, Any] = {
        "who": who, "flash": take_flash(request),
        "waktu": lambda moment: format_datetime(moment, tz) if moment else "—",
        # The day of a moment, in words without its weekday (``4 Februari 2026``).
        "hari": lambda moment: tgl(moment.astimezone(tz).date()) if moment else "—",
        "may": (lambda action: may(who.actor, action)) if who else (lambda _action: False),
        # A read-only account (the auditor) is shown no form that would change anything.
        "read_only": read_only(who.actor) if who else False,
    }
    if who is not None:
        from notifications.inbox import unread_count

        base["unread"] = unread_count(who.session, who.actor.user_id)
    response = TEMPLATES.TemplateResponse(request, template, {**base, **context},
                                          status_code=status)
    if base["flash"]:
        response.delete_cookie(FLASH, path="/")
    return response


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"

