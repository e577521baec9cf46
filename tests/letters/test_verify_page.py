"""The public verification page a document's QR code opens (``/v/{token}``): reached without
a session; it names the document (number, kind, date, issuing unit, case reference, SHA-256)
and whether it was revoked, and nothing else: no names, no amounts, no hint whether a token
that is not one exists."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import Api
from tests.letters.helpers import issued, profile
from tests.web.helpers import visible_text

# What the document holds and the page must never show: the signer's name, rank and NIP,
# the company, its media, its NPWP and NIB, the amounts, the revocation's reason.
SECRETS = ("Fajar", "Penata Muda", "199001012015031001", "PT Balangan Media Utama",
           "Balangan Pos", "01.234.567.8-901.000", "1234567890123", "45.000.000", "Rp",
           "empat puluh lima juta", "Pemred", "Paringin", "salah ketik", "Rina", "Admin")
APP_ONLY = ("Daftar berkas", "Tugas saya", "Keluar", "Notifikasi", 'name="csrf"')


@pytest.fixture
def letter(api: Api) -> dict[str, Any]:
    profile(api, "fajar", "Penata Muda (III/a)", "199001012015031001")
    case_id = api.to_reviewed_media()
    return issued(api, "fajar", case_id, "ba_hasil_verifikasi")


def public(client: TestClient, url: str) -> Any:
    """``url`` asked by someone with no session (the API's client holds no cookie)."""
    client.cookies.clear()
    return client.get(url.removeprefix("http://127.0.0.1:8000"), follow_redirects=False)


def never_shows_more(html: str) -> None:
    text = visible_text(html)
    assert [s for s in SECRETS if s in text] == []
    assert [s for s in APP_ONLY if s in html] == []


def test_a_valid_document_is_shown_as_registered_with_only_its_identity(
    client: TestClient, letter: dict[str, Any]
) -> None:
    page = public(client, letter["verify_url"])
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    text = visible_text(page.text)
    assert "Dokumen ini terdaftar di Berkas Dinas Komunikasi dan Informatika Kabupaten " \
           "Balangan" in text
    for shown in (letter["number"], "Berita Acara Hasil Verifikasi Perusahaan Pers",
                  "4 Februari 2026", "MV-2026-0001", letter["sha256"], "Berlaku"):
        assert shown in text, shown
    assert "DICABUT" not in text
    never_shows_more(page.text)


def test_a_revoked_document_says_dicabut_with_the_date_and_not_why(
    api: Api, client: TestClient, letter: dict[str, Any]
) -> None:
    revoked = api.post("rina", f"/api/letters/{letter['id']}/revoke",
                       json={"reason": "Nama media salah ketik"})
    assert revoked.status_code == 200, revoked.text
    page = public(client, letter["verify_url"])
    assert page.status_code == 200
    text = visible_text(page.text)
    assert "DICABUT: dokumen ini telah dicabut pada 4 Februari 2026" in text
    assert "terdaftar di Berkas" not in text
    assert letter["number"] in text
    never_shows_more(page.text)


@pytest.mark.parametrize("token", ["Zm9vYmFyYmF6cXV4cXV1eHF1dXpxdXV6cXV1enF1dXo",
                                   "x", "..%2F..%2Fetc", "a/b", "a" * 300])
def test_an_unknown_token_is_a_plain_404(
    client: TestClient, letter: dict[str, Any], token: str
) -> None:
    page = public(client, f"/v/{token}")
    assert page.status_code == 404
    text = visible_text(page.text)
    assert "Dokumen tidak ditemukan" in text
    assert letter["number"] not in text
    never_shows_more(page.text)
    # The answer is the same for any token that is not one: nothing tells them apart.
    assert page.text == public(client, "/v/Zm9vYmFyYmF6cXV4cXV1eHF1dXpxdXV6cXV1enF1dXo").text


def test_a_logged_in_person_sees_the_same_page(
    browser_for: Any, letter: dict[str, Any], client: TestClient
) -> None:
    path = letter["verify_url"].removeprefix("http://127.0.0.1:8000")
    seen = browser_for("rina").get(path)
    assert seen.status_code == 200
    assert visible_text(seen.text) == visible_text(public(client, path).text)
