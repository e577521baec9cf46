"""The warrants register (surat perintah Plh./Plt.) and absences on the pages: the admin
registers a warrant with its scan and revokes one with a reason; everyone who reads cases
reads the register; a holder of a position marks and cancels their absence; the acting
official sees the capacity they act in. Refusals are shown in the form, in Indonesian."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import select

from cases.models import User
from infra.runtime import Runtime
from tests.api.helpers import PDF, Api
from tests.web.helpers import Pages, form_of, visible_text

Login = Callable[[str], Pages]
PLH_KADIS = "Plh. Kepala Dinas Komunikasi dan Informatika"
NUMBER = "800/12/SPT/DISKOMINFO/2026"
# Reason codes the services give: none may be read on a page.
CODES = ("number_required", "invalid_window", "warrant_backdated", "covered_user_required",
         "warrant_overlap", "missing_reason", "unsupported_file_type", "invalid_warrant",
         "already_holds_role", "absence_overlap", "role_not_permitted", "empty_file")


NAV_LINK = '<a href="/admin/warrants" title="Register surat perintah Plh./Plt.">Plh./Plt.</a>'


def user_ids(runtime: Runtime) -> dict[str, int]:
    with runtime.sessions() as session:
        return {u.username: u.id for u in session.exec(select(User)) if u.id is not None}


def warrant_form(ids: dict[str, int], **changes: str) -> dict[str, str]:
    """The form of a Plh. Kadis warrant for siti (the Kabid) while ahmad (the Kadis) is away,
    from today (Wednesday 4 February 2026) to 13 February."""
    return {"kind": "plh", "number": NUMBER, "issued_on": "2026-02-03",
            "issuer_name": "H. Abdul Hadi", "issuer_title": "Bupati Balangan", "role": "kadis",
            "covered_user_id": str(ids["ahmad"]), "acting_user_id": str(ids["siti"]),
            "valid_from": "2026-02-04", "valid_until": "2026-02-13",
            "note": "Kadis mengikuti diklat", **changes}


def scan(name: str = "sp-plh.pdf", content: bytes = PDF) -> dict[str, Any]:
    return {"file": (name, content, "application/pdf")}


def register(admin: Pages, form: dict[str, str], content: bytes = PDF) -> Any:
    return admin.post("/admin/warrants", form, files=scan(content=content),
                      follow_redirects=False)


def no_codes(html: str) -> None:
    """People read Indonesian, never the services' codes."""
    text = visible_text(html)
    assert [code for code in CODES if code in text] == []


def rows(html: str) -> list[str]:
    """The register's rows, as read."""
    body = html.split('<table class="warrants">', 1)[1].split("</table>", 1)[0]
    return [visible_text(r) for r in re.findall(r'<tr id="warrant-\d+".*?</tr>', body,
                                                 flags=re.DOTALL)]


def test_the_register_and_its_form_render_for_the_admin(browser_for: Login) -> None:
    admin = browser_for("admin")
    response = admin.get("/admin/warrants")
    assert response.status_code == 200
    html = response.text
    assert NAV_LINK in html
    assert '<a href="/absences">Ketidakhadiran</a>' in html
    assert "Belum ada surat perintah." in html
    form = html.split('id="warrant-form"', 1)[1].split("</form>", 1)[0]
    assert 'method="post" action="/admin/warrants" enctype="multipart/form-data"' in html
    for name in ("kind", "number", "issued_on", "issuer_name", "issuer_title", "role",
                 "covered_user_id", "acting_user_id", "valid_from", "valid_until", "note",
                 "file"):
        assert f'name="{name}"' in form, name
    assert 'accept="application/pdf,image/jpeg,image/png"' in form
    text = visible_text(form)
    for label in ("Plh. (pelaksana harian", "Plt. (pelaksana tugas",
                  "Kepala Dinas Komunikasi dan Informatika",
                  "Kepala Bidang Pengelolaan Informasi dan Komunikasi Publik",
                  "Bendahara Pengeluaran", "Siti — Kepala Bidang PIKP (PPTK)"):
        assert label in text, label
    assert admin.get("/admin/warrants?active=1").status_code == 200
    assert admin.get("/admin/warrants?active=x").status_code == 422


def test_the_admin_registers_a_warrant_and_the_acting_official_acts_under_it(
    browser_for: Login, runtime: Runtime
) -> None:
    ids = user_ids(runtime)
    admin = browser_for("admin")
    response = register(admin, warrant_form(ids))
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/admin/warrants"
    html = admin.get("/admin/warrants").text
    assert (f"Surat perintah {NUMBER} dicatat: Siti sebagai {PLH_KADIS}, 4 Februari 2026 "
            "s.d. 13 Februari 2026.") in html
    (row,) = rows(html)
    for cell in (f"Plh. {NUMBER}", "tanggal 3 Februari 2026", "H. Abdul Hadi",
                 "Bupati Balangan", PLH_KADIS, "Ahmad", "Siti",
                 "4 Februari 2026 s.d. 13 Februari 2026", "Berlaku", "sp-plh.pdf",
                 "Kadis mengikuti diklat"):
        assert cell in row, cell
    assert "Cabut" in row
    link = re.search(r'href="(/admin/warrants/\d+/scan)"', html)
    assert link
    download = admin.get(link.group(1))
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["content-disposition"].startswith("attachment;")
    assert admin.get("/admin/warrants?active=1").text.count('<tr id="warrant-') == 1
    assert admin.get("/admin/warrants?active=0").text.count('<tr id="warrant-') == 0

    # The acting official: the capacity beside their name, the Kadis's queue under it.
    siti = browser_for("siti")
    home = siti.get("/").text
    assert (f"{PLH_KADIS} (SP {NUMBER}, s.d. 13 Februari 2026)") in visible_text(home)
    assert '<a href="/signoff">Persetujuan</a>' in home
    queue = siti.get("/signoff")
    assert queue.status_code == 200
    heading = visible_text(queue.text.split("<h1>", 1)[1].split("</h1>", 1)[0])
    assert heading == f"Persetujuan Kadis oleh {PLH_KADIS}, Siti"
    # The Kadis in their own right: their title, no "Plh.".
    ahmad = visible_text(browser_for("ahmad").get("/signoff").text)
    assert "Persetujuan Kadis oleh Kepala Dinas Komunikasi dan Informatika, Ahmad" in ahmad
    assert 'class="acting"' not in browser_for("ahmad").get("/").text


def test_a_kabid_and_the_auditor_read_the_register_without_its_forms(
    browser_for: Login, api: Api, runtime: Runtime
) -> None:
    ids = user_ids(runtime)
    # fajar (an officer) acts as Kabid while siti is away: registered through the API.
    made = api.post("admin", "/api/warrants", data=warrant_form(
        ids, role="kabid", covered_user_id=str(ids["siti"]), acting_user_id=str(ids["fajar"]),
        number="800/13/SPT/DISKOMINFO/2026", issuer_title="Kepala Dinas",
        issuer_name="Ahmad"), files=scan())
    assert made.status_code == 201, made.text
    for username in ("siti", "audra"):
        reader = browser_for(username)
        response = reader.get("/admin/warrants")
        assert response.status_code == 200
        html = response.text
        assert NAV_LINK in html
        (row,) = rows(html)
        assert "Plh. Kepala Bidang Pengelolaan Informasi dan Komunikasi Publik" in row
        assert "Fajar" in row
        assert "Berlaku" in row
        assert 'method="post" action="/admin/warrants' not in html
        assert "Catat surat perintah" not in html
        assert "Cabut" not in row
        assert reader.get(f"/admin/warrants/{made.json()['id']}/scan").content == PDF
    assert '<a href="/absences">' in browser_for("siti").get("/").text
    assert '<a href="/absences">' not in browser_for("audra").get("/").text


def test_a_refused_form_names_each_problem_and_keeps_what_was_typed(
    browser_for: Login, runtime: Runtime
) -> None:
    ids = user_ids(runtime)
    admin = browser_for("admin")
    response = register(admin, warrant_form(ids, number="", valid_until="2026-02-01",
                                            covered_user_id=""))
    assert response.status_code == 422
    text = visible_text(response.text)
    for message in ("Surat perintah belum dapat dicatat", "Nomor surat perintah wajib diisi",
                    "Tanggal berakhir tidak boleh sebelum tanggal mulai",
                    "pilih pejabat yang digantikan"):
        assert message in text, message
    assert 'value="Bupati Balangan"' in response.text  # what was typed stays
    assert 'value="2026-02-01"' in response.text
    assert f'<option value="{ids["siti"]}" selected>' in response.text
    assert "Pilih kembali berkas pindaiannya" in text
    no_codes(response.text)

    unreadable = register(admin, warrant_form(ids, valid_from="kemarin"))
    assert unreadable.status_code == 422
    assert "Berlaku mulai tidak valid" in visible_text(unreadable.text)

    disguised = register(admin, warrant_form(ids), content=b"MZ\x90\x00 bukan pdf")
    assert disguised.status_code == 415
    assert "Hanya PDF, JPEG atau PNG yang diterima" in visible_text(disguised.text)
    no_codes(disguised.text)

    no_scan = admin.post("/admin/warrants", warrant_form(ids), follow_redirects=False)
    assert no_scan.status_code == 422
    assert "Pindaian surat perintah wajib diunggah" in visible_text(no_scan.text)

    assert register(admin, warrant_form(ids)).status_code == 303
    overlap = register(admin, warrant_form(ids, number="800/14/SPT/DISKOMINFO/2026",
                                           valid_from="2026-02-10", valid_until="2026-02-20"))
    assert overlap.status_code == 409
    assert "bertumpang tindih dengan surat perintah" in visible_text(overlap.text)
    no_codes(overlap.text)
    assert len(rows(admin.get("/admin/warrants").text)) == 1


def test_the_admin_revokes_a_warrant_with_a_reason(browser_for: Login,
                                                   runtime: Runtime) -> None:
    ids = user_ids(runtime)
    admin = browser_for("admin")
    assert register(admin, warrant_form(ids)).status_code == 303
    html = admin.get("/admin/warrants").text
    action = re.search(r'action="(/admin/warrants/\d+/revoke)"', html)
    assert action
    refused = admin.post(action.group(1), {"reason": "  "})
    assert refused.status_code == 422
    assert "Alasan pencabutan wajib diisi" in visible_text(refused.text)
    assert "<details class=\"revoke\" open>" in refused.text
    no_codes(refused.text)

    revoked = admin.post(action.group(1), {"reason": "Kadis kembali lebih awal"},
                         follow_redirects=False)
    assert revoked.status_code == 303
    html = admin.get("/admin/warrants").text
    assert f"Surat perintah {NUMBER} dicabut." in html
    (row,) = rows(html)
    assert "Dicabut" in row
    assert "Alasan: Kadis kembali lebih awal" in row
    assert "oleh Admin" in row
    assert action.group(1) not in html  # nothing left to revoke
    again = admin.post(action.group(1), {"reason": "dua kali"})
    assert again.status_code == 409
    assert "sudah dicabut" in visible_text(again.text)

    siti = browser_for("siti")
    assert PLH_KADIS not in siti.get("/").text
    assert siti.get("/signoff").status_code == 403


@pytest.mark.parametrize("username", ["siti", "rina", "ahmad", "audra"])
def test_only_the_admin_registers_or_revokes(browser_for: Login, runtime: Runtime,
                                             username: str) -> None:
    ids = user_ids(runtime)
    assert register(browser_for("admin"), warrant_form(ids)).status_code == 303
    other = browser_for(username)
    refused = register(other, warrant_form(ids, number="800/99/SPT/2026",
                                           valid_from="2026-03-01", valid_until="2026-03-05"))
    assert refused.status_code == 403
    assert "Tidak diizinkan" in refused.text
    assert other.post("/admin/warrants/1/revoke", {"reason": "coba"}).status_code == 403
    assert len(rows(browser_for("admin").get("/admin/warrants").text)) == 1


def test_a_kadis_marks_an_absence_and_cancels_it(browser_for: Login) -> None:
    ahmad = browser_for("ahmad")
    page = ahmad.get("/absences")
    assert page.status_code == 200
    assert "Catat ketidakhadiran saya" in page.text
    assert 'name="user_id"' not in page.text  # one's own: no choice of person
    assert "Tidak ada ketidakhadiran yang tercatat." in page.text

    refused = ahmad.post("/absences", {"starts_on": "2026-02-12", "ends_on": "2026-02-10",
                                       "note": "Cuti tahunan"})
    assert refused.status_code == 422
    assert "Tanggal akhir tidak boleh sebelum tanggal mulai" in visible_text(refused.text)
    assert 'value="2026-02-12"' in refused.text
    assert ">Cuti tahunan</textarea>" in refused.text
    missing = ahmad.post("/absences", {"starts_on": "", "ends_on": "2026-02-10"})
    assert missing.status_code == 422
    assert "Tidak hadir mulai wajib diisi" in visible_text(missing.text)

    marked = ahmad.post("/absences", {"starts_on": "2026-02-10", "ends_on": "2026-02-12",
                                      "note": "Cuti tahunan"}, follow_redirects=False)
    assert marked.status_code == 303
    html = ahmad.get("/absences").text
    text = visible_text(html)
    assert "Ketidakhadiran Ahmad dicatat: 10 Februari 2026 s.d. 12 Februari 2026." in text
    assert "Kepala Dinas (Pengguna Anggaran)" in text
    assert "Akan datang" in text
    overlap = ahmad.post("/absences", {"starts_on": "2026-02-11", "ends_on": "2026-02-11"})
    assert overlap.status_code == 409
    assert "Sudah tercatat tidak hadir" in visible_text(overlap.text)
    no_codes(refused.text + overlap.text)

    cancel = re.search(r'action="(/absences/\d+/cancel)"', html)
    assert cancel
    # Another holder reads it, and may not cancel it.
    siti = browser_for("siti")
    assert cancel.group(1) not in siti.get("/absences").text
    assert "10 Februari 2026 s.d. 12 Februari 2026" in siti.get("/absences").text
    assert siti.post(cancel.group(1)).status_code == 403
    done = ahmad.post(cancel.group(1), follow_redirects=False)
    assert done.status_code == 303
    after = visible_text(ahmad.get("/absences").text)
    assert "Ketidakhadiran Ahmad 10 Februari 2026 s.d. 12 Februari 2026 dibatalkan." in after
    assert "Tidak ada ketidakhadiran yang tercatat." in after
    assert ahmad.post(cancel.group(1)).status_code == 409


def test_the_admin_marks_and_cancels_a_holders_absence(browser_for: Login,
                                                      runtime: Runtime) -> None:
    ids = user_ids(runtime)
    admin = browser_for("admin")
    form = form_of(admin.get("/absences").text, "/absences")
    assert f'<option value="{ids["dewi"]}"' in form
    assert f'<option value="{ids["rina"]}"' not in form  # an officer holds no position
    marked = admin.post("/absences", {"user_id": str(ids["dewi"]), "starts_on": "2026-02-04",
                                      "ends_on": "2026-02-05"}, follow_redirects=False)
    assert marked.status_code == 303
    html = admin.get("/absences").text
    assert "Ketidakhadiran Dewi dicatat" in html
    assert "Sedang tidak hadir" in html
    not_holder = admin.post("/absences", {"user_id": str(ids["rina"]),
                                          "starts_on": "2026-02-04", "ends_on": "2026-02-05"})
    assert not_holder.status_code == 422
    assert "Ketidakhadiran dicatat untuk pemegang jabatan" in visible_text(not_holder.text)
    cancel = re.search(r'action="(/absences/\d+/cancel)"', html)
    assert cancel
    assert admin.post(cancel.group(1), follow_redirects=False).status_code == 303


@pytest.mark.parametrize("username", ["rina", "fina", "audra"])
def test_those_who_hold_no_position_read_absences_but_mark_none(
    browser_for: Login, username: str
) -> None:
    reader = browser_for(username)
    page = reader.get("/absences")
    assert page.status_code == 200
    assert 'action="/absences"' not in page.text
    assert reader.post("/absences", {"starts_on": "2026-02-04",
                                     "ends_on": "2026-02-05"}).status_code == 403
