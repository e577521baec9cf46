"""The parties' pages: find, register by form, read with cases, edit on a version; refusals
shown next to their fields in Indonesian, and who sees what."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from cases.models import Case, Party
from infra.runtime import Runtime
from tests.api.helpers import COMPANY, ORGANISATION, Api
from tests.web.helpers import Pages
from workflows import format_rupiah

Login = Callable[[str], Pages]

FORM = {"party.kind": "company", "party.name": "PT Balangan Media Utama",
        "party.npwp": "01.234.567.8-901.000", "party.nib": "1234567890123",
        "party.address": "Paringin", "party.is_pkp": "1"}
CODES = ("invalid_npwp", "invalid_nib", "invalid_kind", "duplicate_npwp", "stale_version",
         "missing_field", "party_in_use")


def registered(pages: Pages, form: dict[str, Any] | None = None) -> int:
    """Register a party through the form; its id, from where the page sends the browser."""
    response = pages.post("/parties", form or FORM, follow_redirects=False)
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/parties/(\d+)", response.headers["location"])
    assert match
    return int(match.group(1))


def no_codes(html: str) -> None:
    """Officers read Indonesian, never the API's codes."""
    assert not [code for code in CODES if code in html]


def test_an_officer_registers_a_party_and_finds_it(browser_for: Login) -> None:
    rina = browser_for("rina")
    home = rina.get("/").text
    assert '<a href="/parties">Pihak</a>' in home
    form = rina.get("/parties/new")
    assert form.status_code == 200
    assert 'name="party.npwp"' in form.text
    party_id = registered(rina)
    detail = rina.get(f"/parties/{party_id}")
    assert "PT Balangan Media Utama didaftarkan." in detail.text
    assert "01.234.567.8-901.000" in detail.text
    assert "Belum ada berkas." in detail.text
    listing = rina.get("/parties").text
    assert f'<a href="/parties/{party_id}">PT Balangan Media Utama</a>' in listing
    for cell in ("Perusahaan pers", "01.234.567.8-901.000", "1234567890123", "<td>Ya</td>"):
        assert cell in listing
    assert "PT Balangan" in rina.get("/parties", params={"q": "balangan media"}).text
    assert "PT Balangan" in rina.get("/parties", params={"q": "012345678"}).text
    empty = rina.get("/parties", params={"q": "tidak ada", "kind": "organisation"}).text
    assert "Tidak ada pihak yang cocok." in empty


def test_a_refused_form_names_each_problem_in_indonesian(browser_for: Login) -> None:
    rina = browser_for("rina")
    response = rina.post("/parties", {**FORM, "party.npwp": "12.345", "party.nib": "123"})
    assert response.status_code == 422
    assert "NPWP harus 15 atau 16 angka" in response.text
    assert "NIB perusahaan pers wajib diisi, 13 angka" in response.text
    assert 'value="12.345"' in response.text  # what was typed stays in the form
    no_codes(response.text)
    assert "Tidak ada pihak yang cocok." in rina.get("/parties").text


def test_an_organisation_with_a_nib_and_a_duplicate_npwp_are_explained(
    browser_for: Login
) -> None:
    siti = browser_for("siti")
    organisation = {**FORM, "party.kind": "organisation", "party.name": "PWI Balangan"}
    response = siti.post("/parties", organisation)
    assert response.status_code == 422
    assert "organisasi tidak memiliki NIB" in response.text
    registered(siti)
    twice = siti.post("/parties", {**organisation, "party.nib": ""})
    assert twice.status_code == 409
    assert "sudah terdaftar atas nama PT Balangan Media Utama" in twice.text
    no_codes(twice.text + response.text)


def test_an_edit_is_saved_and_a_stale_one_explained(browser_for: Login) -> None:
    rina, siti = browser_for("rina"), browser_for("siti")
    party_id = registered(rina)
    page = rina.get(f"/parties/{party_id}").text
    assert 'name="version" value="1"' in page
    saved = siti.post(f"/parties/{party_id}", {**FORM, "party.name": "PT Balangan Pos",
                                               "version": "1"}, follow_redirects=False)
    assert saved.status_code == 303
    stale = rina.post(f"/parties/{party_id}", {**FORM, "party.address": "Batumandi",
                                               "version": "1"})
    assert stale.status_code == 409
    assert "sudah diubah orang lain" in stale.text
    assert 'name="version" value="2"' in stale.text  # the form shows the data as it is now
    assert 'value="PT Balangan Pos"' in stale.text
    refused = rina.post(f"/parties/{party_id}", {**FORM, "party.npwp": "1", "version": "2"})
    assert refused.status_code == 422
    assert "NPWP harus 15 atau 16 angka" in refused.text
    for version in ("", "x", "99999999999"):
        bad = rina.post(f"/parties/{party_id}", {**FORM, "version": version})
        assert bad.status_code == 409
    no_codes(stale.text + refused.text)
    assert "Batumandi" not in rina.get(f"/parties/{party_id}").text


def test_the_party_page_lists_its_cases(browser_for: Login, runtime: Runtime) -> None:
    rina = browser_for("rina")
    party_id = registered(rina)
    now = runtime.clock()
    with runtime.sessions() as session:
        case = Case(reference="MV-2026-0009", workflow="media_verification", state="submitted",
                    fiscal_year=2026, title="Publikasi 2026", applicant_name="Balangan Pos",
                    amount=45_000_000, party_id=party_id, created_at=now, updated_at=now)
        session.add(case)
        session.commit()
        case_id = case.id
    page = rina.get(f"/parties/{party_id}").text
    assert f'<a href="/cases/{case_id}">MV-2026-0009</a>' in page
    assert format_rupiah(45_000_000) in page
    assert "1 berkas pihak ini" in page


@pytest.mark.parametrize("who", ["audra", "fina", "dewi", "ahmad"])
def test_readers_read_but_only_officers_and_kabid_change(browser_for: Login, who: str
                                                          ) -> None:
    party_id = registered(browser_for("rina"))
    reader = browser_for(who)
    assert '<a href="/parties">Pihak</a>' in reader.get("/parties").text
    detail = reader.get(f"/parties/{party_id}")
    assert detail.status_code == 200
    assert "PT Balangan Media Utama" in detail.text
    assert "Simpan perubahan" not in detail.text
    assert "/parties/new" not in detail.text
    assert reader.get("/parties/new").status_code == 403
    assert reader.post("/parties", FORM).status_code == 403
    assert reader.post(f"/parties/{party_id}", {**FORM, "version": "1"}).status_code == 403


def test_the_administrator_has_no_parties(browser_for: Login) -> None:
    admin = browser_for("admin")
    assert "/parties" not in admin.get("/admin/users").text
    assert admin.get("/parties").status_code == 403


@pytest.mark.parametrize("path", ["/parties?cursor=nonsense", "/parties?kind=koperasi",
                                  "/parties/0", "/parties/999", "/parties/x"])
def test_odd_addresses_are_answered_not_500(browser_for: Login, path: str) -> None:
    assert browser_for("rina").get(path).status_code in (404, 422)


def test_a_carried_over_party_is_renamed_without_its_npwp(browser_for: Login,
                                                          runtime: Runtime) -> None:
    now = runtime.clock()
    with runtime.sessions() as session:
        party = Party(kind="company", name="Balangan Pos", created_at=now, updated_at=now)
        session.add(party)
        session.commit()
        party_id = party.id
    rina = browser_for("rina")
    page = rina.get(f"/parties/{party_id}").text
    assert "belum dicatat" in page
    assert 'name="party.npwp" value="" maxlength="24" inputmode="numeric" required' not in page
    renamed = rina.post(f"/parties/{party_id}", {"party.kind": "company",
                                                 "party.name": "PT Balangan Pos",
                                                 "version": "1"}, follow_redirects=False)
    assert renamed.status_code == 303
    assert "PT Balangan Pos" in rina.get("/parties").text


def test_a_party_with_an_approved_case_keeps_its_kind_and_tax_identity(
    browser_for: Login, runtime: Runtime
) -> None:
    """The form says why, next to the field, in Indonesian; the name still changes."""
    rina = browser_for("rina")
    party_id = registered(rina)
    now = runtime.clock()
    with runtime.sessions() as session:
        session.add(Case(reference="MV-2026-0009", workflow="media_verification",
                         state="approved", fiscal_year=2026, title="Publikasi 2026",
                         applicant_name="Balangan Pos", amount=45_000_000, party_id=party_id,
                         created_at=now, updated_at=now))
        session.commit()
    kind = rina.post(f"/parties/{party_id}", {**FORM, "party.kind": "organisation",
                                              "party.nib": "", "version": "1"})
    assert kind.status_code == 409
    assert "sudah memiliki berkas" in kind.text
    npwp = rina.post(f"/parties/{party_id}", {**FORM, "party.npwp": "3171 0123 4567 8901",
                                              "version": "1"})
    assert npwp.status_code == 409
    assert "pembayaran" in npwp.text
    assert 'value="3171 0123 4567 8901"' in npwp.text  # what was typed stays in the form
    pkp = rina.post(f"/parties/{party_id}", {**{k: v for k, v in FORM.items()
                                                if k != "party.is_pkp"}, "version": "1"})
    assert pkp.status_code == 409
    assert "PPN" in pkp.text
    no_codes(kind.text + npwp.text + pkp.text)
    renamed = rina.post(f"/parties/{party_id}", {**FORM, "party.name": "PT Balangan Pos",
                                                 "version": "1"}, follow_redirects=False)
    assert renamed.status_code == 303
    page = rina.get(f"/parties/{party_id}").text
    assert "01.234.567.8-901.000" in page
    assert "3171 0123" not in page


# --- the registration form is the registrants' ---------------------------------------------

PARTY_NUMBERS = ("01.234.567.8-901.000", "0012345678901000", "012345678901000",
                 "1234567890123", "02.345.678.9-012.000")


@pytest.mark.parametrize("who", ["admin", "audra", "dewi", "fina", "ahmad"])
def test_only_those_who_register_cases_open_the_registration_form(
    browser_for: Login, api: Api, who: str
) -> None:
    """Nor do they see the parties' NPWP and NIB it lists (the administrator reads no
    parties at all)."""
    api.party(COMPANY)
    api.party(ORGANISATION)
    other = browser_for(who)
    answers = [
        other.get("/cases/new"),
        other.get("/cases/new", params={"workflow": "grant", "party_q": "0"}),
        other.get("/cases/new/parties", params={"workflow": "media_verification"}),
        other.get("/cases/new/parties", params={"workflow": "grant", "party_q": "pwi"}),
        other.post("/cases/new?workflow=media_verification", {"case.title": "x"}),
    ]
    assert [a.status_code for a in answers] == [403] * len(answers)
    shown = "".join(a.text for a in answers)
    assert not [n for n in PARTY_NUMBERS if n in shown]
    assert "PT Balangan Media Utama" not in shown
    assert api.get("rina", "/api/cases").json()["items"] == []


@pytest.mark.parametrize("who", ["rina", "siti"])
def test_officers_and_kabid_open_the_registration_form(
    browser_for: Login, api: Api, who: str
) -> None:
    api.party(COMPANY)
    pages = browser_for(who)
    form = pages.get("/cases/new", params={"workflow": "media_verification"})
    assert form.status_code == 200
    assert "NPWP 01.234.567.8-901.000 — NIB 1234567890123" in form.text
    options = pages.get("/cases/new/parties", params={"workflow": "media_verification",
                                                      "party_q": "0012345678901000"})
    assert options.status_code == 200
    assert "PT Balangan Media Utama" in options.text
