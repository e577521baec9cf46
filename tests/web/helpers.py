"""Driving the pages through TestClient as a browser would: cookies, CSRF tokens, forms."""

from __future__ import annotations

import html
import re
from typing import Any

import httpx2 as httpx
from fastapi.testclient import TestClient

from tests.conftest import PASSWORD

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


class Pages:
    """One person's browser session on the pages."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.csrf = ""

    def login(self, username: str, password: str = PASSWORD) -> httpx.Response:
        form = self.client.get("/login")
        response = self.client.post("/login", data={
            "username": username, "password": password, "csrf": csrf_of(form.text), "next": "/",
        }, follow_redirects=False)
        if response.status_code == 303:
            self.csrf = csrf_of(self.client.get("/").text)
        return response

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.client.get(path, **kw)

    def post(self, path: str, data: dict[str, Any] | None = None, **kw: Any) -> httpx.Response:
        return self.client.post(path, data={"csrf": self.csrf, **(data or {})}, **kw)


_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_BEFORE_MARK = re.compile(r" ([;:,.])")


def visible_text(html_text: str) -> str:
    """What a person reads on a page: its text without tags, attributes, scripts or styles,
    entities decoded, runs of white space as one space."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html_text, flags=re.DOTALL | re.I)
    text = _SPACE.sub(" ", html.unescape(_TAGS.sub(" ", body))).strip()
    return _BEFORE_MARK.sub(r"\1", text)


def section(html_text: str, element_id: str) -> str:
    """The HTML of the element with ``element_id`` up to the end of its section."""
    start = html_text.index(f'id="{element_id}"')
    end = html_text.find("</section>", start)
    return html_text[start:end if end != -1 else None]


def newest_documents(html_text: str, case_id: int) -> list[int]:
    """The ids of the documents the case page lists, in order."""
    return [int(i) for i in dict.fromkeys(
        re.findall(rf'href="/cases/{case_id}/documents/(\d+)"', html_text))]


def problem_of(html_text: str) -> str:
    """What the refusal box of a re-rendered page says, as read."""
    box = html_text.split('id="problem"', 1)[1].split(">", 1)[1]
    return visible_text(box.split("</div>", 1)[0])


def form_of(html_text: str, action: str) -> str:
    """The HTML of the form posting to ``action``."""
    return html_text.split(f'action="{action}"', 1)[1].split("</form>", 1)[0]
