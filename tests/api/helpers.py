"""A small client for walking cases through the API as different people."""

from __future__ import annotations

import itertools
from typing import Any

import httpx2 as httpx
from fastapi.testclient import TestClient

from tests.conftest import PASSWORD

PDF = b"%PDF-1.4\n% Berkas test document\n%%EOF\n"
_SCANS = itertools.count(1)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

MEDIA_APPLICANT = {
    "media_name": "Balangan Pos", "media_type": "print", "editor_in_chief": "Pemred Uji",
    "dewan_pers_status": "factual",
}
GRANT_APPLICANT = {"chair": "Ketua Uji"}
# The Keputusan Bupati a grant case disburses (registration data).
DECISION = {"keputusan_number": "188.45/123/KUM/2026", "keputusan_date": "2026-01-15",
            "keputusan_amount": 150_000_000}
MEDIA_REVIEW_DOCS = ("surat_permohonan", "akta_pendirian", "nib", "npwp", "dewan_pers",
                     "ukw_pemred", "box_redaksi", "rekening")
GRANT_REVIEW_DOCS = ("surat_permohonan_pencairan", "proposal", "rab", "akta_kemenkumham",
                     "sk_kepengurusan", "npwp", "ktp_pengurus", "surat_domisili", "rekening",
                     "pakta_integritas", "pernyataan_tanggung_jawab")
COMPANY = {"kind": "company", "name": "PT Balangan Media Utama", "npwp": "01.234.567.8-901.000",
           "nib": "1234567890123", "address": "Paringin", "is_pkp": False}
ORGANISATION = {"kind": "organisation", "name": "PWI Kabupaten Balangan",
                "npwp": "02.345.678.9-012.000", "address": "Paringin"}
# Kinds whose check records the value they state (a BAST), and the value tests give them:
# above any termin they pay, unless a test says otherwise.
VALUED = frozenset({"bast"})
BAST_VALUE = 50_000_000
SITE_VISIT = {"site_visit_note": "Kantor redaksi dikunjungi; boks redaksi sesuai"}
SPK = {"spk_number": "027/01/SPK-PUB/DISKOMINFO/2026", "spk_date": "2026-03-02",
       "contract_start": "2026-03-02", "contract_end": "2026-11-30"}


class Api:
    def __init__(self, client: TestClient) -> None:
        self.client = client
        self._tokens: dict[str, str] = {}
        self._parties: dict[str, int] = {}

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

    def party(self, fields: dict[str, Any], who: str = "rina") -> int:
        """The id of the party with ``fields``'s NPWP, registered the first time."""
        key = str(fields.get("npwp"))
        if key not in self._parties:
            response = self.post(who, "/api/parties", json=fields)
            assert response.status_code == 201, response.text
            self._parties[key] = response.json()["id"]
        return self._parties[key]

    def party_org(self) -> int:
        return self.party(ORGANISATION)

    def create_media(self, who: str = "rina", amount: int = 45_000_000,
                     party: dict[str, Any] | None = None, fiscal_year: int = 2026,
                     **applicant: Any) -> dict[str, Any]:
        response = self.post(who, "/api/cases", json={
            "workflow": "media_verification", "title": "Kerja sama publikasi 2026",
            "fiscal_year": fiscal_year, "amount": amount,
            "party_id": self.party(party or COMPANY),
            "applicant": {**MEDIA_APPLICANT, **applicant}, "data": {},
        })
        assert response.status_code == 201, response.text
        return response.json()

    def create_grant(self, who: str = "rina", amount: int = 150_000_000,
                     party: dict[str, Any] | None = None, fiscal_year: int = 2026,
                     **decision: Any) -> dict[str, Any]:
        response = self.post(who, "/api/cases", json={
            "workflow": "grant", "title": f"Hibah PWI {fiscal_year}",
            "fiscal_year": fiscal_year, "amount": amount,
            "party_id": self.party(party or ORGANISATION), "applicant": GRANT_APPLICANT,
            "data": {**DECISION, **decision},
        })
        assert response.status_code == 201, response.text
        return response.json()

    def upload(self, who: str, case_id: int, kind: str, content: bytes | None = None,
               filename: str = "dokumen.pdf") -> httpx.Response:
        """Upload ``content``; by default a PDF of its own (each scan differs, and a payment
        refuses a document whose very bytes an earlier one used)."""
        if content is None:
            content = PDF + f"% scan {next(_SCANS)}\n".encode()
        return self.post(who, f"/api/cases/{case_id}/documents", data={"kind": kind},
                         files={"file": (filename, content, "application/pdf")})

    def upload_valid(self, who: str, case_id: int, kinds: tuple[str, ...],
                     value: int = BAST_VALUE) -> list[int]:
        """Upload one document of each of ``kinds`` and check it MS (a BAST with the
        ``value`` it accepted); their ids, in order."""
        ids = []
        for kind in kinds:
            response = self.upload(who, case_id, kind)
            assert response.status_code == 201, response.text
            doc_id = response.json()["id"]
            self.check(who, case_id, doc_id, valid=True,
                       value=value if kind in VALUED else None)
            ids.append(doc_id)
        return ids

    def check(self, who: str, case_id: int, doc_id: int, *, valid: bool,
              value: int | None = None) -> None:
        body: dict[str, Any] = {"valid": valid, "note": "sesuai asli" if valid else "palsu"}
        if value is not None:
            body["value"] = value
        checked = self.post(who, f"/api/cases/{case_id}/documents/{doc_id}/check", json=body)
        assert checked.status_code == 200, checked.text

    def case(self, who: str, case_id: int) -> dict[str, Any]:
        response = self.get(who, f"/api/cases/{case_id}")
        assert response.status_code == 200, response.text
        return response.json()

    def fire(self, who: str, case_id: int, trigger: str, comment: str = "",
             data: dict[str, Any] | None = None, version: int | None = None,
             full: bool = False) -> httpx.Response:
        """Fire ``trigger``; ``full``: answer with the whole case, not the lean result."""
        if version is None:
            version = self.case(who, case_id)["version"]
        return self.post(who, f"/api/cases/{case_id}/transitions/{trigger}",
                         params={"view": "full"} if full else None,
                         json={"version": version, "comment": comment, "data": data or {}})

    def audit_check(self, who: str = "admin") -> dict[str, Any]:
        """Run a whole-log audit check; TestClient returns once its background task (the
        check itself) has finished, so the result is there."""
        started = self.post(who, "/api/audit/checks")
        assert started.status_code == 202, started.text
        report: dict[str, Any] = self.get(who, f"/api/audit/checks/{started.json()['id']}").json()
        assert report["status"] in ("ok", "broken"), report
        return report

    def set_budget(self, workflow: str, amount: int, who: str = "fina",
                   fiscal_year: int = 2026) -> None:
        response = self.put(who, f"/api/budgets/{workflow}/{fiscal_year}", json={
            "amount": amount, "dpa_number": f"DPA/{fiscal_year}/2.16.01",
            "dpa_date": f"{fiscal_year}-01-02"})
        assert response.status_code == 200, response.text

    def to_approved_media(self, amount: int = 45_000_000, **spk: Any) -> int:
        """A media case reviewed (factual, category A) and approved with an SPK for
        ``amount``; its SPK uploaded MS. Returns its id."""
        self.set_budget("media_verification", 600_000_000)
        case_id: int = self.create_media("rina", amount=amount)["id"]
        self.upload_valid("rina", case_id, MEDIA_REVIEW_DOCS)
        reviewed = self.fire("fajar", case_id, "review", data=SITE_VISIT)
        assert reviewed.status_code == 200, reviewed.text
        approved = self.fire("ahmad", case_id, "approve",
                             data={**SPK, "approved_amount": amount, **spk})
        assert approved.status_code == 200, approved.text
        self.upload_valid("rina", case_id, ("spk",))
        return case_id

    def to_approved_grant(self, amount: int = 150_000_000, recommended: int = 125_000_000
                          ) -> int:
        """A grant case evaluated and approved by the Kadis with its NPHD MS."""
        self.set_budget("grant", 500_000_000)
        case_id: int = self.create_grant("rina", amount=amount)["id"]
        self.upload_valid("rina", case_id, GRANT_REVIEW_DOCS)
        reviewed = self.fire("fajar", case_id, "review",
                             data={"recommended_amount": recommended})
        assert reviewed.status_code == 200, reviewed.text
        self.upload_valid("rina", case_id, ("nphd",))
        approved = self.fire("ahmad", case_id, "approve", data=NPHD)
        assert approved.status_code == 200, approved.text
        return case_id

    def to_reviewed_media(self, who: str = "rina", amount: int = 45_000_000) -> int:
        """A media case registered by ``who`` with every review document MS, verified by
        fajar (factual, category A). Returns its id."""
        case_id: int = self.create_media(who, amount=amount)["id"]
        self.upload_valid("rina", case_id, MEDIA_REVIEW_DOCS)
        reviewed = self.fire("fajar", case_id, "review", data=SITE_VISIT)
        assert reviewed.status_code == 200, reviewed.text
        return case_id

    def to_reviewed_grant(self, who: str = "rina", amount: int = 150_000_000,
                          recommended: int = 125_000_000) -> int:
        """A grant case registered by ``who``, evaluated by fajar, its NPHD uploaded MS (so
        that only the Kadis's decision is left). Returns its id."""
        case_id: int = self.create_grant(who, amount=amount)["id"]
        self.upload_valid("rina", case_id, GRANT_REVIEW_DOCS)
        reviewed = self.fire("fajar", case_id, "review",
                             data={"recommended_amount": recommended})
        assert reviewed.status_code == 200, reviewed.text
        self.upload_valid("rina", case_id, ("nphd",))
        return case_id

    def termin_documents(self, case_id: int, who: str = "rina") -> tuple[int, int]:
        """One termin's BAST and proof of publication, uploaded and checked MS: their ids."""
        bast, tayang = self.upload_valid(who, case_id, ("bast", "bukti_tayang"))
        return bast, tayang

    def to_paid_media(self, amount: int = 45_000_000) -> int:
        """A media case approved for ``amount`` and paid in one (final) termin."""
        case_id = self.to_approved_media(amount)
        bast, tayang = self.termin_documents(case_id)
        paid = self.fire("dewi", case_id, "pay", data=termin(bast, tayang, amount))
        assert paid.status_code == 200, paid.text
        return case_id

    def to_paid_grant(self, amount: int = 150_000_000, recommended: int = 125_000_000
                      ) -> int:
        """A grant case approved for ``recommended`` and disbursed in full."""
        case_id = self.to_approved_grant(amount, recommended)
        self.upload_valid("rina", case_id, ("kuitansi",))
        paid = self.fire("dewi", case_id, "pay", data=disbursement(recommended))
        assert paid.status_code == 200, paid.text
        return case_id


NPHD = {"nphd_number": "NPHD/07/DISKOMINFO/2026", "nphd_date": "2026-03-10"}


def termin(bast: int, tayang: int, gross: int, *, n: int = 1, sp2d_date: str = "2026-05-20",
           bast_date: str = "2026-05-15", pph23: int | None = None) -> dict[str, Any]:
    """A termin's payment form: PPh 23 of 2 % withheld, no PPN (the company is no PKP)."""
    tax = gross * 2 // 100 if pph23 is None else pph23
    return {"spm_number": f"SPM/{n:03d}/LS/2026", "spm_date": "2026-05-18",
            "sp2d_number": f"SP2D/{n:03d}/LS/2026", "sp2d_date": sp2d_date,
            "bast_document_id": bast, "bast_date": bast_date, "publication_document_id": tayang,
            "gross": gross, "pph23": tax, "ppn": 0, "net": gross - tax}


def disbursement(gross: int, *, n: int = 1, sp2d_date: str = "2026-03-20") -> dict[str, Any]:
    """A grant's disbursement form (SPM, SP2D, the amount transferred), after the NPHD."""
    return {"spm_number": f"SPM/{n:03d}/LS/2026", "spm_date": "2026-03-16",
            "sp2d_number": f"SP2D/{n:03d}/LS/2026", "sp2d_date": sp2d_date, "gross": gross}
