"""Screenshots of the main pages over the demo data. `make screenshots` writes them to
docs/screenshots/ (BERKAS_SCREENSHOTS); otherwise they go to a temporary folder and are only
checked to be real pictures of the right pages."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from app import bootstrap, create_app
from cases.demo import DEMO_PASSWORD, load_demo
from infra.config import Settings
from migrations.runner import upgrade
from tests.conftest import AUDIT_KEY, SECRET, FakeClock
from tests.servers import ThreadServer, free_port

SHOTS = (("/", "dashboard.png", "Tugas saya", "siti"),
         ("/cases/13", "case.png", "HB-2026-0001", "ahmad"),
         ("/signoff", "signoff.png", "Persetujuan Kadis", "ahmad"))


@pytest.fixture
def demo_url(tmp_path: Path, clock: FakeClock) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    upgrade(url, audit_key=AUDIT_KEY)
    settings = Settings(env="test", database_url=url, secret_key=SECRET, scheduler=False,
                        port=free_port())
    runtime = bootstrap(settings, clock)
    with runtime.sessions() as session:
        load_demo(session, clock(), handlers=runtime.handlers)
    runtime.engine.dispose()
    with ThreadServer(create_app(settings, clock), settings.port) as server:
        yield server.url


def test_screenshots_of_dashboard_case_and_signoff(
    browser: Browser, demo_url: str, tmp_path: Path
) -> None:
    folder = Path(os.environ.get("BERKAS_SCREENSHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    for path, name, heading, username in SHOTS:
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        page = context.new_page()
        page.goto(f"{demo_url}/login")
        page.get_by_label("Nama pengguna").fill(username)
        page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Masuk").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Tugas saya")
        page.goto(f"{demo_url}{path}")
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        page.screenshot(path=str(folder / name))
        context.close()
        assert (folder / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
