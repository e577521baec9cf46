"""Who may issue which document when, what a refusal says, and how an issued document is
revoked rather than changed: the auditor reads and downloads, and issues nothing; a layout
that fails takes no number; the database refuses any change to an issued document."""

from __future__ import annotations

import pytest
from fpdf.errors import FPDFException
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from cases.letters.render import LetterPDF
from infra.runtime import Runtime
from tests.api.helpers import Api
from tests.letters.helpers import TERMIN, issue, issued, pdf_of, user_id


def detail(response: object) -> dict[str, object]:
    body: dict[str, dict[str, object]] = response.json()  # type: ignore[attr-defined]
    return body["detail"]


def codes(response: object) -> list[str]:
    return [str(r["code"]) for r in detail(response)["reasons"]]  # type: ignore[union-attr]


def test_an_unknown_kind_is_404_with_its_code(api: Api) -> None:
    case_id = api.create_media("rina")["id"]
    refused = issue(api, "rina", case_id, "surat_sakti")
    assert refused.status_code == 404
    assert detail(refused)["code"] == "unknown_letter_kind"
    grant_kind = issue(api, "rina", case_id, "draf_nphd")  # a kind of the other workflow
    assert (grant_kind.status_code, detail(grant_kind)["code"]) == (404, "unknown_letter_kind")


def test_a_kind_outside_its_states_is_409_with_the_states_it_is_issued_in(api: Api) -> None:
    case_id = api.create_media("rina")["id"]
    refused = issue(api, "siti", case_id, "ba_pemeriksaan", TERMIN)
    assert refused.status_code == 409
    assert detail(refused)["code"] == "letter_not_in_state"
    assert codes(refused) == ["letter_not_in_state"]
    assert "Disetujui Kadis" in str(detail(refused)["reasons"])


def test_a_role_the_kind_does_not_list_is_403(api: Api) -> None:
    case_id = api.to_reviewed_media()
    for who, kind in (("dewi", "ba_hasil_verifikasi"), ("fajar", "pemberitahuan_hasil_verifikasi"),
                      ("fina", "ba_hasil_verifikasi"), ("admin", "ba_hasil_verifikasi")):
        refused = issue(api, who, case_id, kind)
        assert refused.status_code == 403, (who, kind, refused.text)
        assert detail(refused)["code"] == "role_not_permitted"
    assert api.get("siti", f"/api/cases/{case_id}/letters").json() == []


def test_the_auditor_reads_and_downloads_but_issues_and_revokes_nothing(api: Api) -> None:
    case_id = api.to_reviewed_media()
    letter = issued(api, "fajar", case_id, "ba_hasil_verifikasi")
    assert len(api.get("audra", f"/api/cases/{case_id}/letters").json()) == 1
    assert pdf_of(api, "audra", letter).startswith(b"%PDF-")
    for path, body in ((f"/api/cases/{case_id}/letters/ba_hasil_verifikasi", {}),
                       (f"/api/letters/{letter['id']}/revoke", {"reason": "uji"})):
        refused = api.post("audra", path, json=body)
        assert refused.status_code == 403
        assert detail(refused)["code"] == "role_not_permitted"
    assert len(api.get("audra", f"/api/cases/{case_id}/letters").json()) == 1


def test_a_layout_that_fails_is_a_422_and_takes_no_number(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = api.to_reviewed_media()
    trail = len(api.get("siti", f"/api/cases/{case_id}/audit").json())

    def fails(*_args: object, **_kwargs: object) -> None:
        raise FPDFException("Not enough horizontal space to render a single character")

    with monkeypatch.context() as patched:
        patched.setattr(LetterPDF, "write_html", fails)
        refused = issue(api, "fajar", case_id, "ba_hasil_verifikasi")
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/json"
    assert detail(refused)["code"] == "letter_render_failed"
    assert "Traceback" not in refused.text
    assert api.get("siti", f"/api/cases/{case_id}/letters").json() == []
    assert len(api.get("siti", f"/api/cases/{case_id}/audit").json()) == trail
    assert issued(api, "fajar", case_id, "ba_hasil_verifikasi")["number"] == (
        "400.14.2.1/1/Diskominfo/2026")


def test_a_document_is_revoked_once_with_a_reason_in_the_audit_trail(api: Api) -> None:
    case_id = api.to_reviewed_media()
    letter = issued(api, "fajar", case_id, "ba_hasil_verifikasi")
    path = f"/api/letters/{letter['id']}/revoke"
    no_reason = api.post("fajar", path, json={"reason": "  "})
    assert no_reason.status_code == 422
    assert api.post("dewi", path, json={"reason": "salah"}).status_code == 403
    revoked = api.post("rina", path, json={"reason": "Nama media salah ketik"})
    assert revoked.status_code == 200, revoked.text
    body = revoked.json()
    assert (body["status"], body["revoke_reason"], body["revoked_by"]) == (
        "revoked", "Nama media salah ketik", user_id(api, "rina"))
    again = api.post("admin", path, json={"reason": "lagi"})
    assert (again.status_code, detail(again)["code"]) == (409, "letter_already_revoked")
    entry = api.get("siti", f"/api/cases/{case_id}/audit").json()[-1]
    assert (entry["action"], entry["comment"], entry["payload"]["number"]) == (
        "letter_revoked", "Nama media salah ketik", letter["number"])
    # Still there, as issued, and still downloadable: revoked, not deleted.
    assert pdf_of(api, "audra", letter).startswith(b"%PDF-")
    assert api.audit_check()["ok"] is True


def test_the_administrator_may_revoke_any_document(api: Api) -> None:
    case_id = api.to_approved_media()
    letter = issued(api, "siti", case_id, "ba_pemeriksaan", TERMIN)
    assert api.post("fajar", f"/api/letters/{letter['id']}/revoke",
                    json={"reason": "bukan peran"}).status_code == 403
    revoked = api.post("admin", f"/api/letters/{letter['id']}/revoke",
                       json={"reason": "Periode termin salah"})
    assert revoked.status_code == 200, revoked.text


def test_the_database_refuses_to_change_or_delete_an_issued_document(
    api: Api, runtime: Runtime
) -> None:
    case_id = api.to_reviewed_media()
    letter = issued(api, "fajar", case_id, "ba_hasil_verifikasi")
    for statement in ("UPDATE issued_letters SET sha256 = 'x' WHERE id = :id",
                      "UPDATE issued_letters SET number = 'palsu' WHERE id = :id",
                      "UPDATE letter_blobs SET content = :pdf WHERE letter_id = :id",
                      "DELETE FROM letter_blobs WHERE letter_id = :id",
                      "DELETE FROM issued_letters WHERE id = :id"):
        with pytest.raises(DBAPIError, match="immutable"), runtime.engine.begin() as conn:
            conn.execute(text(statement), {"id": letter["id"], "pdf": b"%PDF-palsu"})
    assert api.post("fajar", f"/api/letters/{letter['id']}/revoke",
                    json={"reason": "uji"}).status_code == 200
    with pytest.raises(DBAPIError, match="immutable"), runtime.engine.begin() as conn:
        conn.execute(text("UPDATE issued_letters SET revoke_reason = 'lain' WHERE id = :id"),
                     {"id": letter["id"]})


def test_sqlite_refuses_a_replacing_insert_of_a_document_or_its_pdf(
    api: Api, runtime: Runtime
) -> None:
    """SQLite's REPLACE deletes the old row without firing its delete trigger: a replacing
    insert is refused on its own (PostgreSQL has no REPLACE)."""
    if not runtime.settings.database_url.startswith("sqlite"):
        pytest.skip("REPLACE is SQLite's")
    case_id = api.to_reviewed_media()
    letter = issued(api, "fajar", case_id, "ba_hasil_verifikasi")
    for statement in (
        "INSERT OR REPLACE INTO letter_blobs (letter_id, content) VALUES (:id, :pdf)",
        "REPLACE INTO issued_letters SELECT * FROM issued_letters WHERE id = :id",
    ):
        with pytest.raises(DBAPIError, match="immutable"), runtime.engine.begin() as conn:
            conn.execute(text(statement), {"id": letter["id"], "pdf": b"%PDF-palsu"})
    assert pdf_of(api, "fajar", letter)[:10] != b"%PDF-palsu"
