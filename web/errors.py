"""Errors on pages: a page that says what went wrong in Indonesian, never a JSON dump.

A missing or expired session sends the person to the login page and back afterwards.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from cases.http.errors import install as install_api_errors
from web.render import page
from web.session import LoginRequired, current_page

TITLES = {
    400: "Permintaan tidak dapat diproses",
    403: "Tidak diizinkan",
    404: "Tidak ditemukan",
    405: "Cara akses tidak diizinkan",
    409: "Terjadi konflik",
    413: "Berkas terlalu besar",
    415: "Jenis berkas tidak diterima",
    422: "Isian belum benar",
}


def to_login(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target)}", status_code=303)


def html_error(request: Request, status: int, body: dict[str, Any]) -> Response:
    if status == 401:
        return to_login(request)
    detail = body.get("detail", {})
    who = None
    try:
        runtime = request.app.state.runtime
        with runtime.sessions() as session:
            who = current_page(request, runtime, session)
            return page(request, "error.html", {
                "title": TITLES.get(status, "Terjadi kesalahan"), "detail": detail,
                "status": status}, who=who, status=status)
    except LoginRequired:
        return to_login(request)


def _login_required(request: Request, _exc: Exception) -> Response:
    return to_login(request)


def install(app: FastAPI) -> None:
    install_api_errors(app, html=html_error)
    app.add_exception_handler(LoginRequired, _login_required)
