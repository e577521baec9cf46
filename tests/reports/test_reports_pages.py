"""The reports page and the Kadis's home page, on both databases: who sees them, the charts
well-formed and accessible with their numbers in a table, the figures of the walked cases."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import Api
from tests.conftest import FakeClock
from tests.reports.markup import SVG, parse
from tests.reports.scenario import walk
from tests.web.helpers import Pages, section, visible_text

Login = Callable[[str], Pages]
PAGE = "/reports?workflow=media_verification&fiscal_year=2026"
_FIGURES = re.compile(r'<figure class="chart-figure".*?</figure>', re.DOTALL)


def figures(html_text: str) -> list[ET.Element]:
    """Every chart figure of the page, parsed as XML (which refuses anything ill-formed)."""
    return [parse(found) for found in _FIGURES.findall(html_text)]


def numbers(fig: ET.Element) -> dict[str, str]:
    """What the figure's table says, label → value."""
    table = fig.find("table")
    assert table is not None
    return {"".join(tr[0].itertext()): "".join(tr[1].itertext())
            for tr in table.iter("tr") if tr[0].get("scope") == "row"}


def _budgets(api: Api) -> None:
    api.set_budget("media_verification", 600_000_000)
    api.set_budget("grant", 500_000_000)


@pytest.mark.parametrize("who", ["ahmad", "audra", "fina"])
def test_the_reports_page_shows_the_kadis_auditor_and_finance_every_figure(
    api: Api, clock: FakeClock, browser_for: Login, who: str
) -> None:
    _budgets(api)
    walked = walk(api, clock)
    response = browser_for(who).get(PAGE)
    assert response.status_code == 200
    html_text = response.text
    stage = html_text.split('<tr id="stage-submitted">', 1)[1].split("</tr>", 1)[0]
    # finished 3, median 3, p90 7, longest 8; open 1, the oldest 8 days
    assert visible_text(stage).split() == ["Diajukan", "3", "3", "7", "8", "1", "8"]
    officers = visible_text(section(html_text, "h-officer"))
    assert "Fajar Diajukan 2 2 2,8 3" in officers
    assert "Siti Diajukan 1 8 8 8" in officers
    breaches = section(html_text, "h-breach")
    assert f'href="/cases/{walked.c}"' in breaches
    assert f'href="/cases/{walked.d}"' in breaches
    assert "Lewat tenggat (2)" in visible_text(breaches)
    assert "MV-2026-0004 Diajukan Petugas / verifikator Bidang PIKP 11 Februari 2026 " \
        "masih terbuka 3" in visible_text(breaches)
    assert "hari kerja" in visible_text(html_text)


def test_the_money_bars_are_well_formed_svg_with_their_numbers_in_a_table(
    api: Api, browser_for: Login
) -> None:
    _budgets(api)
    api.to_approved_media(45_000_000)
    html_text = browser_for("ahmad").get(PAGE).text
    found = figures(html_text)
    assert [f.get("id") for f in found] == ["uang-media-verification-2026", "uang-grant-2026"]
    media = found[0]
    svg = media.find(f"{SVG}svg")
    assert svg is not None
    assert svg.get("role") == "img"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title is not None
    assert title.text == "Anggaran Kerja Sama Publikasi Media TA 2026"
    assert desc is not None
    assert "Pagu Rp600.000.000" in (desc.text or "")
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert numbers(media) == {
        "Pagu": "Rp600.000.000", "Terikat": "Rp45.000.000", "Realisasi": "Rp0",
        "Dikembalikan (STS)": "Rp0", "Sisa": "Rp555.000.000"}
    table = media.find("table")
    assert table is not None
    assert "sr" not in (table.get("class") or "").split()
    drawn = ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]
    assert all(value in drawn for value in numbers(media).values())
    assert numbers(found[1])["Pagu"] == "Rp500.000.000"


def test_a_bad_choice_on_the_reports_page_is_said_beside_the_selector(
    browser_for: Login
) -> None:
    response = browser_for("ahmad").get("/reports?fiscal_year=tahun-ini")
    assert response.status_code == 422
    assert 'role="alert"' in response.text
    assert "Tahun anggaran harus antara 2000 dan 2100" in visible_text(response.text)
    assert browser_for("audra").get("/reports?workflow=nope").status_code == 422


def test_the_reports_page_is_refused_without_a_login_and_to_the_admin(
    client: TestClient, browser_for: Login
) -> None:
    response = client.get("/reports", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/reports"
    assert browser_for("admin").get("/reports").status_code == 403


def test_the_kadis_home_page_shows_the_years_money_and_the_overdue_count(
    api: Api, clock: FakeClock, browser_for: Login
) -> None:
    _budgets(api)
    walk(api, clock)
    html_text = browser_for("ahmad").get("/").text
    # D's deadline in "Diajukan" is past; A, B and C are back with the applicant, in time.
    overdue = html_text.split('id="overdue-count"', 1)[1].split("</p>", 1)[0]
    assert "1 berkas lewat tenggat" in visible_text(overdue)
    assert 'href="/cases?overdue=true"' in overdue
    found = figures(html_text)
    assert [f.get("id") for f in found] == ["uang-media-verification-2026", "uang-grant-2026"]
    for fig in found:
        svg = fig.find(f"{SVG}svg")
        assert svg is not None
        assert svg.find(f"{SVG}title") is not None
        table = fig.find("table")
        assert table is not None
        assert "sr" in (table.get("class") or "").split()
    assert numbers(found[0])["Sisa"] == "Rp600.000.000"


@pytest.mark.parametrize("who", ["rina", "dewi", "fina", "audra"])
def test_other_home_pages_stay_a_worklist(browser_for: Login, who: str) -> None:
    html_text = browser_for(who).get("/").text
    assert 'id="overdue-count"' not in html_text
    assert figures(html_text) == []


def test_without_a_choice_the_page_shows_the_first_workflow_in_this_year(
    browser_for: Login
) -> None:
    response = browser_for("audra").get("/reports")
    assert response.status_code == 200
    assert "Laporan Kerja Sama Publikasi Media TA 2026" in visible_text(response.text)
    assert 'value="2026"' in response.text
