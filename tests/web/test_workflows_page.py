"""The workflows page states the rules in force: the documents of every gate with their legal
basis, and the media categories' ceilings, marked as placeholders until the Perbup's SSH is
entered in the settings."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from app import create_app
from infra.config import Settings
from tests.conftest import FakeClock
from tests.web.helpers import Pages


def test_ceilings_are_marked_as_placeholders_until_the_ssh_is_configured(
    browser_for: Callable[[str], Pages]
) -> None:
    html = browser_for("rina").get("/workflows").text
    assert "Kerja Sama Publikasi Media" in html
    assert "Rp60.000.000" in html
    assert html.count("nilai sementara") == 3
    # The termins' documents are listed with their basis, never the trigger's code.
    assert "UU 1/2004 Pasal 21 ayat (1)" in html
    assert "record_payment" not in html
    assert "32/2011" not in html


def test_ceilings_from_the_settings_replace_the_placeholders(
    settings: Settings, clock: FakeClock
) -> None:
    local = settings.model_copy(update={"workflow_parameters": {
        "media_verification": {"category_ceilings": {"A": 75_000_000}}}})
    with TestClient(create_app(local, clock)) as client:
        pages = Pages(client)
        assert pages.login("audra").status_code == 303
        html = pages.get("/workflows").text
    assert "Rp75.000.000" in html
    assert "Rp60.000.000" not in html
    assert html.count("nilai sementara") == 2
    assert "dari SSH dalam pengaturan" in html
