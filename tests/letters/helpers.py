"""Issuing documents through the API, and reading them back as a person reads a PDF."""

from __future__ import annotations

import io
import re
from typing import Any

import httpx2 as httpx
from pypdf import PdfReader

from tests.api.helpers import PDF, Api

# A Plh. Kadis warrant for siti (the Kabid) while ahmad (the Kadis) is away, 4 to 6
# February 2026: the clock of every test is 4 February 2026, 09.00 WITA.
PLH_NUMBER = "800.1.3/045/SETDA/2026"
PLH_KADIS = "Plh. Kepala Dinas Komunikasi dan Informatika"
# The publications of a termin, and what the work they were is worth.
TERMIN = {"period_start": "2026-03-02", "period_end": "2026-03-31",
          "publications": "Berita daring 3 Maret 2026: Rakor verifikasi media\n"
                          "Berita daring 17 Maret 2026: Hibah PWI Balangan",
          "value": 12_500_000}


def user_id(api: Api, username: str) -> int:
    users = api.get("admin", "/api/users").json()
    return next(int(u["id"]) for u in users if u["username"] == username)


def profile(api: Api, username: str, rank: str, nip: str) -> None:
    """Record a signer's rank and NIP, as the administrator does."""
    response = api.put("admin", f"/api/users/{user_id(api, username)}/profile",
                       json={"rank": rank, "nip": nip})
    assert response.status_code == 200, response.text


def plh_kadis(api: Api) -> dict[str, Any]:
    """Register the Plh. Kadis warrant of siti (``PLH_NUMBER``)."""
    form = {"kind": "plh", "number": PLH_NUMBER, "issued_on": "2026-02-03",
            "issuer_name": "H. Ahmad Rizani",
            "issuer_title": "Sekretaris Daerah Kabupaten Balangan", "role": "kadis",
            "covered_user_id": str(user_id(api, "ahmad")),
            "acting_user_id": str(user_id(api, "siti")), "valid_from": "2026-02-04",
            "valid_until": "2026-02-06", "note": "Kadis cuti tahunan"}
    response = api.post("admin", "/api/warrants", data=form,
                        files={"file": ("sp-plh.pdf", PDF, "application/pdf")})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def issue(api: Api, who: str, case_id: int, kind: str,
          data: dict[str, Any] | None = None) -> httpx.Response:
    body = {"data": data} if data is not None else None
    return api.post(who, f"/api/cases/{case_id}/letters/{kind}", json=body)


def issued(api: Api, who: str, case_id: int, kind: str,
           data: dict[str, Any] | None = None) -> dict[str, Any]:
    response = issue(api, who, case_id, kind, data)
    assert response.status_code == 201, response.text
    letter: dict[str, Any] = response.json()
    return letter


def pdf_of(api: Api, who: str, letter: dict[str, Any]) -> bytes:
    response = api.get(who, letter["download_url"])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    return response.content


def text_of(content: bytes) -> str:
    """Every page's text, as one line: runs of white space (line breaks too) as one space."""
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages)).strip()
