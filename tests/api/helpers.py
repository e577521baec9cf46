"""A small client for walking cases through the API as different people."""

from __future__ import annotations

from typing import Any

import httpx2 as httpx
from fastapi.testclient import TestClient

from tests.conftest import PASSWORD

PDF = b"%PDF-1.4\n% Berkas test document\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

MEDIA_APPLICANT = {
    "company_name": "PT Balangan Media Utama", "media_name": "Balangan Pos",
    "media_type": "print", "address": "Paringin", "editor_in_chief": "Pemred Uji",
    "dewan_pers_status": "factual",
}
GRANT_APPLICANT = {"organisation": "PWI Kabupaten Balangan", "chair": "Ketua Uji"}
MEDIA_REVIEW_DOCS = ("surat_permohonan", "akta_pendirian", "nib", "npwp", "dewan_pers",
                     "ukw_pemred", "box_redaksi")
GRANT_REVIEW_DOCS = ("proposal", "rab", "akta_kemenkumham", "sk_kepengurusan", "npwp",
                     "ktp_pengurus", "surat_domisili", "rekening", "pernyataan_tanggung_jawab")


class Api:
    def __init__(self, client: TestClient) -> None:
        self.client = client
        self._tokens: dict[str, str] = {}

    def headers(self, username: str) -> dict[str, str]:
        if username not in self._tokens:
            response = self.client.post(
                "/api/auth/token", data={"username": username, "password": PASSWORD}
            )
            assert response.status_code == 200, response.text
            self._tokens[username] = response.json()["access_token"]
        return {"Authorization": f"Bearer {self._tokens[username]}"}

    def forget_tokens(self) -> None:
        """Log in anew on the next request (tokens expire when the clock moves days)."""
        self._tokens.clear()

    def get(self, who: str, path: str, **kw: Any) -> httpx.Response:
        return self.client.get(path, headers=self.headers(who), **kw)

    def post(self, who: str, path: str, **kw: Any) -> httpx.Response:
        return self.client.post(path, headers=self.headers(who), **kw)

    def put(self, who: str, path: str, **kw: Any) -> httpx.Response:
        return self.client.put(path, headers=self.headers(who), **kw)

    def create_media(self, who: str = "rina", amount: int = 45_000_000) -> dict[str, Any]:
        response = self.post(who, "/api/cases", json={
            "workflow": "media_verification", "title": "Kerja sama publikasi 2026",
            "fiscal_year": 2026, "amount": amount, "applicant": MEDIA_APPLICANT, "data": {},
        })
        assert response.status_code == 201, response.text
        return response.json()

    def create_grant(self, who: str = "rina", amount: int = 150_000_000) -> dict[str, Any]:
        response = self.post(who, "/api/cases", json={
            "workflow": "grant", "title": "Hibah PWI 2026", "fiscal_year": 2026,
            "amount": amount, "applicant": GRANT_APPLICANT, "data": {},
        })
        assert response.status_code == 201, response.text
        return response.json()

    def upload(self, who: str, case_id: int, kind: str, content: bytes = PDF,
               filename: str = "dokumen.pdf") -> httpx.Response:
        return self.post(who, f"/api/cases/{case_id}/documents", data={"kind": kind},
                         files={"file": (filename, content, "application/pdf")})

    def upload_valid(self, who: str, case_id: int, kinds: tuple[str, ...]) -> None:
        for kind in kinds:
            response = self.upload(who, case_id, kind)
            assert response.status_code == 201, response.text
            doc_id = response.json()["id"]
            checked = self.post(who, f"/api/cases/{case_id}/documents/{doc_id}/check",
                                json={"valid": True, "note": "sesuai asli"})
            assert checked.status_code == 200, checked.text

    def case(self, who: str, case_id: int) -> dict[str, Any]:
        response = self.get(who, f"/api/cases/{case_id}")
        assert response.status_code == 200, response.text
        return response.json()

    def fire(self, who: str, case_id: int, trigger: str, comment: str = "",
             data: dict[str, Any] | None = None, version: int | None = None) -> httpx.Response:
        if version is None:
            version = self.case(who, case_id)["version"]
        return self.post(who, f"/api/cases/{case_id}/transitions/{trigger}",
                         json={"version": version, "comment": comment, "data": data or {}})

    def audit_check(self, who: str = "admin") -> dict[str, Any]:
        """Run a whole-log audit check; TestClient returns once its background task (the
        check itself) has finished, so the result is there."""
        started = self.post(who, "/api/audit/checks")
        assert started.status_code == 202, started.text
        report: dict[str, Any] = self.get(who, f"/api/audit/checks/{started.json()['id']}").json()
        assert report["status"] in ("ok", "broken"), report
        return report

    def set_budget(self, workflow: str, amount: int, who: str = "ahmad") -> None:
        response = self.put(who, f"/api/budgets/{workflow}/2026", json={"amount": amount})
        assert response.status_code == 200, response.text
