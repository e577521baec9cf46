"""A live Berkas (uvicorn in a thread, on a copy of the test database) and Debian's Chromium
driven by Playwright. In CI a missing Chromium fails the run; elsewhere the suite is skipped."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from app import create_app
from infra.config import Settings
from tests.conftest import PASSWORD, FakeClock, People
from tests.servers import ThreadServer, free_port

CHROMIUM = Path("/usr/bin/chromium")
# Chromium's own network features are cut off here and would only slow each start.
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PDF = b"%PDF-1.4\n% Berkas uji\n%%EOF\n"

expect.set_options(timeout=10_000)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing at /usr/bin/chromium (apt-get install chromium)")
        pytest.skip("Chromium is not installed at /usr/bin/chromium")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
    yield chromium
    chromium.close()


@dataclass
class Live:
    url: str


@pytest.fixture
def live(settings: Settings, clock: FakeClock, people: People) -> Iterator[Live]:
    """Berkas served over real HTTP for the length of one test."""
    port = free_port()
    app = create_app(settings.model_copy(update={"port": port}), clock)
    with ThreadServer(app, port) as server:
        yield Live(server.url)


class Person:
    """One person's browser tab on the live Berkas."""

    def __init__(self, page: Page, live: Live) -> None:
        self.page, self.live = page, live

    def login(self, username: str) -> Person:
        self.page.goto(f"{self.live.url}/login")
        self.page.get_by_label("Nama pengguna").fill(username)
        self.page.get_by_label("Kata sandi").fill(PASSWORD)
        self.page.get_by_role("button", name="Masuk").click()
        expect(self.page.get_by_role("heading", level=1)).to_have_text("Tugas saya")
        return self

    def open(self, path: str) -> Page:
        self.page.goto(f"{self.live.url}{path}")
        return self.page

    def upload(self, kind_label: str, name: str = "scan.pdf", content: bytes = PDF) -> None:
        page = self.page
        page.get_by_label("Jenis dokumen").select_option(label=kind_label)
        page.get_by_label("Berkas (PDF").set_input_files(
            {"name": name, "mimeType": "application/pdf", "buffer": content})
        page.get_by_role("button", name="Unggah").click()

    def mark_all_valid(self) -> None:
        page = self.page
        while page.get_by_role("button", name="Sah", exact=True).count():
            before = page.locator(".tag.valid").count()
            unchecked = page.locator("tr", has=page.locator(".tag.unchecked")).first
            unchecked.get_by_role("button", name="Sah", exact=True).click()
            expect(page.locator(".tag.valid")).to_have_count(before + 1)
            if not page.locator(".tag.unchecked").count():
                return

    def fire(self, label: str, fields: dict[str, str] | None = None, comment: str = "") -> None:
        """Open a transition's form, fill it, and send it."""
        page = self.page
        action = page.locator("li.action", has=page.locator(f"summary:text-is('{label}')"))
        action.locator("summary").click()
        for field, value in (fields or {}).items():
            control = action.get_by_label(field)
            if control.evaluate("e => e.tagName") == "SELECT":
                control.select_option(value)
            else:
                control.fill(value)
        if comment:
            action.locator("textarea[name=comment]").fill(comment)
        action.get_by_role("button", name=label).click()

    def state(self) -> str:
        return self.page.locator("h1 .state").inner_text()


@pytest.fixture
def person(browser: Browser, live: Live) -> Iterator[Callable[..., Person]]:
    """Make a Person per username, each in a browser context of its own."""
    contexts = []

    def make(username: str, viewport: tuple[int, int] = (1366, 768)) -> Person:
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        contexts.append(context)
        return Person(context.new_page(), live).login(username)

    yield make
    for context in contexts:
        context.close()
