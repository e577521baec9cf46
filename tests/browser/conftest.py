"""A live Berkas (uvicorn in a thread, on a copy of the test database) and Debian's Chromium
driven by Playwright. In CI a missing Chromium fails the run; elsewhere the suite is skipped."""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, Playwright, expect, sync_playwright

from app import create_app
from infra.config import Settings
from tests.conftest import PASSWORD, FakeClock, People
from tests.servers import ThreadServer, free_port

CHROMIUM = Path("/usr/bin/chromium")
# Chromium's own network features are cut off here and would only slow each start.
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PDF = b"%PDF-1.4\n% Berkas uji\n%%EOF\n"
_SCANS = itertools.count(1)

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

    def upload(self, kind_label: str, name: str = "scan.pdf", content: bytes | None = None
               ) -> None:
        """Upload a file under its kind's label; by default a PDF of its own (every scan
        differs: a payment refuses a document whose very bytes an earlier one used)."""
        if content is None:
            content = PDF + f"% {name}, pindaian {next(_SCANS)}\n".encode()
        page = self.page
        page.get_by_label("Jenis dokumen").select_option(label=kind_label)
        page.get_by_label("Berkas (PDF").set_input_files(
            {"name": name, "mimeType": "application/pdf", "buffer": content})
        page.get_by_role("button", name="Unggah").click()

    def mark_all_valid(self, values: dict[str, str] | None = None) -> None:
        """Check every document not yet checked as "Memenuhi syarat (MS)", one at a time;
        one that states a value (a BAST) with the value ``values`` gives its file name."""
        page = self.page
        while (waiting := page.locator(".doc", has=page.locator(".tag.unchecked"))).count():
            doc = waiting.first
            doc_id = doc.get_attribute("data-doc")
            value = doc.get_by_label("Nilai pekerjaan yang diterima (BAST)")
            if value.count():
                value.fill((values or {})[doc.locator("a").first.inner_text()])
            doc.get_by_role("button", name="MS", exact=True).click()
            expect(page.locator(f".doc[data-doc='{doc_id}'] .tag.valid")).to_be_visible()

    def fire(self, label: str, fields: dict[str, str] | None = None, comment: str = "",
             choices: dict[str, str] | None = None) -> None:
        """Open a transition's form, fill it, and send it. ``choices``: selects to set to
        the option whose text holds the value (a document by its file name)."""
        page = self.page
        action = page.locator("li.action", has=page.locator(f"summary:text-is('{label}')"))
        action.locator("summary").click()
        for field, value in (fields or {}).items():
            control = labelled(action, field)
            if control.evaluate("e => e.tagName") == "SELECT":
                control.select_option(value)
            else:
                control.fill(value)
        for field, text in (choices or {}).items():
            control = labelled(action, field)
            option = control.locator("option", has_text=text)
            expect(option).to_have_count(1)
            control.select_option(option.get_attribute("value"))
        if comment:
            action.locator("textarea[name=comment]").fill(comment)
        action.get_by_role("button", name=label, exact=True).click()

    def register_party(self, kind: str, name: str, npwp: str, nib: str = "") -> None:
        """Register a party on its page (kind by its label: "Perusahaan pers", "Organisasi")."""
        page = self.open("/parties/new")
        page.get_by_label("Jenis").select_option(label=kind)
        labelled(page, "Nama").fill(name)
        page.get_by_label("NPWP").fill(npwp)
        if nib:
            page.get_by_label("NIB (khusus perusahaan pers)").fill(nib)
        page.get_by_role("button", name="Daftarkan").click()
        expect(page.locator(".note.ok")).to_contain_text(f"{name} didaftarkan")

    def set_budget(self, workflow_label: str, amount: str) -> None:
        """Enter a pagu from the DPA (finance)."""
        page = self.open("/budgets")
        page.get_by_label("Jenis").select_option(label=workflow_label)
        page.get_by_label("Nomor DPA").fill("DPA/2026/2.16.01")
        page.get_by_label("Tanggal DPA").fill("2026-01-02")
        page.get_by_label("Nilai pagu").fill(amount)
        page.get_by_role("button", name="Simpan").click()
        expect(page.locator(".note.ok")).to_contain_text("dicatat")

    def state(self) -> str:
        return self.page.locator("h1 .state").inner_text()


def labelled(scope: Page | Locator, label: str) -> Locator:
    """The control whose label reads ``label`` exactly (a required field's "*" aside)."""
    found = scope.locator("label").filter(
        has_text=re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))
    expect(found).to_have_count(1)
    return scope.locator(f"[id='{found.get_attribute('for')}']")


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
