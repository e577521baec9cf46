"""The walk behind ``test_read_model``: a media case, two grant cases and a withdrawn media
case through their states as real people, with what the API answered and what the pages
showed at each step, recorded under names that say when (issue 12, "One read model")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient

from tests.api.helpers import (
    GRANT_REVIEW_DOCS,
    MEDIA_REVIEW_DOCS,
    SITE_VISIT,
    SPK,
    VALUED,
    Api,
    termin,
)
from tests.conftest import FakeClock
from tests.web.helpers import Pages

_CSRF = re.compile(r'name="csrf" value="[^"]+"')
PEOPLE = ("rina", "fajar", "siti", "ahmad", "dewi")
SITE_VISIT_NOTE = SITE_VISIT["site_visit_note"]
NPHD_2026 = {"nphd_number": "NPHD/12/2026", "nphd_date": "2026-04-20"}
DISBURSEMENT = {"spm_number": "SPM/0002/LS/2026", "spm_date": "2026-05-02",
                "sp2d_number": "SP2D/0002/BLG/2026", "sp2d_date": "2026-05-04",
                "gross": 125_000_000}


@dataclass
class Recorder:
    """Records what the API answers and what the pages show, under names that say when."""

    api: Api
    client: TestClient
    clock: FakeClock
    answers: dict[str, Any] = field(default_factory=dict)
    pages: dict[str, list[str]] = field(default_factory=dict)
    _browsers: dict[str, Pages] = field(default_factory=dict)

    def browser(self, who: str) -> Pages:
        if who not in self._browsers:
            pages = Pages(TestClient(self.client.app))
            assert pages.login(who).status_code == 303
            self._browsers[who] = pages
        return self._browsers[who]

    def advance(self, **delta: float) -> None:
        """Move the clock; everyone logs in again (tokens last hours, not days)."""
        self.clock.advance(**delta)
        self.api.forget_tokens()
        self._browsers.clear()

    def keep(self, name: str, status: int, body: Any) -> Any:
        """Record an answer; a step repeated (a refusal, then the retry) is numbered."""
        key = next(k for n in range(1, 99) if (k := f"{name}#{n}") not in self.answers)
        self.answers[key] = {"status": status, "body": body}
        return body

    def get(self, name: str, who: str, path: str, **kw: Any) -> Any:
        response = self.api.get(who, path, **kw)
        return self.keep(name, response.status_code, response.json())

    def detail(self, name: str, case_id: int, people: tuple[str, ...] = PEOPLE) -> None:
        for who in people:
            self.get(f"{name}/detail/{who}", who, f"/api/cases/{case_id}")

    def fire(self, name: str, who: str, case_id: int, trigger: str, comment: str = "",
             data: dict[str, Any] | None = None) -> Any:
        response = self.api.fire(who, case_id, trigger, comment, data)
        return self.keep(f"{name}/fire/{trigger}/{who}", response.status_code, response.json())

    def upload(self, name: str, who: str, case_id: int, kinds: tuple[str, ...], *,
               valid: bool | None = True, value: int | None = None) -> list[int]:
        """Upload one document of each of ``kinds`` (and check it, unless ``valid`` is
        None; a BAST with the ``value`` it accepted); their ids, in order."""
        ids = []
        for kind in kinds:
            response = self.api.upload(who, case_id, kind)
            doc = self.keep(f"{name}/upload/{kind}", response.status_code, response.json())
            ids.append(int(doc["id"]))
            if valid is not None:
                self.check(name, who, case_id, doc["id"], valid=valid, kind=kind,
                           value=value if kind in VALUED else None)
        return ids

    def check(self, name: str, who: str, case_id: int, doc_id: int, *, valid: bool = True,
              kind: str = "", value: int | None = None, status: int = 200) -> None:
        """Check a document (MS unless ``valid`` is False; ``value``: what a BAST states);
        ``status``: the answer expected (a refusal is recorded as well)."""
        body: dict[str, Any] = {"valid": valid, "note": "" if valid else "buram"}
        if value is not None:
            body["value"] = value
        checked = self.api.post(who, f"/api/cases/{case_id}/documents/{doc_id}/check",
                                json=body)
        answer = self.keep(f"{name}/check/{kind or doc_id}", checked.status_code,
                           checked.json())
        assert checked.status_code == status, answer

    def page(self, name: str, who: str, path: str, form: dict[str, str] | None = None) -> None:
        """The page at ``path`` (a form posted to it, when given), line by line."""
        browser = self.browser(who)
        response = browser.get(path) if form is None else browser.post(path, form)
        assert name not in self.pages, name
        text = _CSRF.sub('name="csrf" value="-"', response.text)
        self.pages[name] = [str(response.status_code), *text.splitlines()]

    def case_pages(self, name: str, case_id: int, people: tuple[str, ...] = PEOPLE) -> None:
        for who in people:
            self.page(f"{name}/page/{who}", who, f"/cases/{case_id}")

    def lists(self, name: str) -> None:
        for query in ("", "?sort=due", "?overdue=true", "?workflow=grant&limit=2",
                      "?state=reviewed"):
            self.get(f"{name}/list{query}", "siti", f"/api/cases{query}")
            self.page(f"{name}/list-page{query}", "siti", f"/cases{query}")
        for who in ("rina", "ahmad", "dewi"):
            self.page(f"{name}/dashboard/{who}", who, "/")
        self.page(f"{name}/signoff", "ahmad", "/signoff")


def _media_walk(rec: Recorder) -> None:
    api = rec.api
    case_id = rec.keep("media/create", 201, api.create_media("rina"))["id"]
    rec.detail("media/submitted", case_id)
    rec.case_pages("media/submitted", case_id)
    rec.page("media/submitted/refused-page", "rina", f"/cases/{case_id}/transitions/review",
             {"version": "1", "comment": "", "data.site_visit_note": SITE_VISIT_NOTE})
    rec.fire("media/submitted", "fajar", case_id, "review", data=SITE_VISIT)
    rec.upload("media/submitted", "rina", case_id, MEDIA_REVIEW_DOCS[:-1])
    rec.upload("media/submitted", "rina", case_id, MEDIA_REVIEW_DOCS[-1:], valid=False)
    rec.detail("media/one-invalid", case_id, ("fajar",))
    rec.upload("media/again", "rina", case_id, MEDIA_REVIEW_DOCS[-1:])
    assigned = api.post("siti", f"/api/cases/{case_id}/assign", json={"username": "fajar"})
    rec.keep("media/assign", assigned.status_code, assigned.json())
    rec.fire("media/submitted", "rina", case_id, "review", data=SITE_VISIT)
    rec.fire("media/submitted", "fajar", case_id, "review", "lengkap")  # no factual check
    rec.fire("media/submitted", "fajar", case_id, "review", "lengkap", SITE_VISIT)
    rec.detail("media/reviewed", case_id)
    rec.case_pages("media/reviewed", case_id)
    rec.lists("media/reviewed")


def _media_decided(rec: Recorder, case_id: int) -> None:
    """Approved with its SPK, paid in two termins against their BAST (each with the value it
    accepted) and proof of publication (each MS), and closed by the final report."""
    api = rec.api
    rec.fire("media/reviewed", "ahmad", case_id, "approve",
             data={**SPK, "approved_amount": 61_000_000})
    api.set_budget("media_verification", 600_000_000)
    rec.fire("media/reviewed", "ahmad", case_id, "approve", "setuju",
             {**SPK, "approved_amount": 40_000_000})
    rec.detail("media/approved", case_id)
    rec.case_pages("media/approved", case_id, ("dewi", "ahmad"))
    spk, bast, tayang = rec.upload("media/approved", "rina", case_id,
                                   ("spk", "bast", "bukti_tayang"), valid=None)
    rec.detail("media/approved-documents", case_id, ("dewi",))
    rec.case_pages("media/approved-documents", case_id, ("dewi",))
    rec.fire("media/approved", "dewi", case_id, "record_payment",
             data=termin(bast, tayang, 25_000_000))
    # A BAST is MS only with the value of the work it accepted.
    rec.check("media/approved", "rina", case_id, bast, kind="bast", status=422)
    for kind, doc_id, value in (("spk", spk, None), ("bast", bast, 25_000_000),
                                ("bukti_tayang", tayang, None)):
        rec.check("media/approved", "rina", case_id, doc_id, kind=kind, value=value)
    rec.fire("media/approved", "dewi", case_id, "record_payment",
             data=termin(bast, tayang, 25_000_000))
    rec.detail("media/termin", case_id, ("dewi", "rina"))
    rec.case_pages("media/termin", case_id, ("dewi",))
    bast2, tayang2 = rec.upload("media/termin", "rina", case_id, ("bast", "bukti_tayang"),
                                value=15_000_000)
    rec.fire("media/termin", "dewi", case_id, "pay",
             data=termin(bast, tayang2, 15_000_000, n=2))  # the first termin's BAST again
    second = {**termin(bast2, tayang2, 15_000_000, n=2, sp2d_date="2026-08-20",
                       bast_date="2026-08-14"), "spm_date": "2026-08-18"}
    rec.fire("media/termin", "dewi", case_id, "pay", data={**second, "gross": 16_000_000,
                                                           "net": 15_680_000, "pph23": 320_000})
    rec.fire("media/termin", "dewi", case_id, "pay", data=second)
    rec.detail("media/paid", case_id)
    rec.case_pages("media/paid", case_id, ("rina", "dewi"))
    rec.upload("media/paid", "fajar", case_id, ("laporan_akhir",))
    rec.fire("media/paid", "fajar", case_id, "report", "tayang 12 kali")
    rec.fire("media/paid", "fajar", case_id, "report", "tayang 12 kali",
             {"evaluation": "Tepat waktu; 12 berita tayang sesuai SPK"})
    rec.detail("media/reported", case_id, ("rina",))
    rec.case_pages("media/reported", case_id, ("rina",))


def _withdrawn_walk(rec: Recorder) -> None:
    case_id = rec.keep("other/create", 201, rec.api.create_media("siti", 20_000_000))["id"]
    rec.fire("other/submitted", "fajar", case_id, "return_for_revision")
    rec.fire("other/submitted", "fajar", case_id, "return_for_revision", "NIB kurang")
    rec.detail("other/returned", case_id, ("fajar",))
    rec.case_pages("other/returned", case_id, ("fajar",))
    rec.fire("other/returned", "rina", case_id, "resubmit", "NIB dilampirkan")
    rec.fire("other/submitted", "ahmad", case_id, "withdraw", "pemohon mundur")
    rec.detail("other/withdrawn", case_id, ("rina",))
    rec.case_pages("other/withdrawn", case_id, ("rina",))


def grant(api: Api, year: int, amount: int) -> int:
    """A grant of ``year`` to PWI Kabupaten Balangan under that year's Keputusan Bupati."""
    created = api.create_grant("rina", amount, fiscal_year=year, purpose="Pelatihan wartawan",
                               keputusan_number=f"188.45/123/KUM/{year}",
                               keputusan_date=f"{year}-01-15")
    return int(created["id"])


def _last_year_grant(rec: Recorder) -> int:
    """Last year's grant to the same organisation, paid and its report overdue."""
    api = rec.api
    api.set_budget("grant", 10**9, fiscal_year=2025)
    case_id = grant(api, 2025, 100_000_000)
    api.upload_valid("rina", case_id, GRANT_REVIEW_DOCS)
    assert api.fire("fajar", case_id, "review",
                    data={"recommended_amount": 100_000_000}).status_code == 200
    api.upload_valid("rina", case_id, ("nphd",))
    assert api.fire("ahmad", case_id, "approve", data={
        "nphd_number": "NPHD/7/2025", "nphd_date": "2025-11-20"}).status_code == 200
    api.upload_valid("rina", case_id, ("kuitansi",))
    assert api.fire("dewi", case_id, "pay", data={
        "spm_number": "SPM/0099/LS/2025", "spm_date": "2025-11-28",
        "sp2d_number": "SP2D/0099/BLG/2025", "sp2d_date": "2025-12-01",
        "gross": 100_000_000}).status_code == 200
    return case_id


def _grant_walk(rec: Recorder, last_year: int) -> int:
    api = rec.api
    case_id = grant(api, 2026, 150_000_000)
    rec.detail("grant/submitted", case_id, ("rina", "fajar"))
    rec.case_pages("grant/submitted", case_id, ("fajar",))
    api.upload_valid("rina", case_id, GRANT_REVIEW_DOCS)
    rec.fire("grant/submitted", "fajar", case_id, "review",
             data={"recommended_amount": 160_000_000})
    rec.fire("grant/submitted", "fajar", case_id, "review", "layak",
             {"recommended_amount": 125_000_000})
    rec.detail("grant/reviewed", case_id)
    rec.case_pages("grant/reviewed", case_id, ("ahmad", "fajar"))
    rec.fire("grant/reviewed", "ahmad", case_id, "approve", data=NPHD_2026)
    api.set_budget("grant", 250_000_000)
    rec.detail("grant/reviewed-budget", case_id, ("ahmad",))
    rec.upload("grant/last-year", "fajar", last_year, ("lpj", "pernyataan_penggunaan"))
    rec.fire("grant/last-year", "fajar", last_year, "report", data={"spent_amount": 100_000_000})
    rec.detail("grant/last-year-reported", last_year, ("ahmad",))
    rec.upload("grant/reviewed", "rina", case_id, ("nphd",))
    rec.detail("grant/reviewed-ready", case_id, ("ahmad",))
    rec.case_pages("grant/reviewed-ready", case_id, ("ahmad",))
    rec.fire("grant/reviewed", "ahmad", case_id, "approve", "setuju", NPHD_2026)
    rec.detail("grant/approved", case_id, ("dewi", "siti"))
    return case_id


def _grant_paid(rec: Recorder, case_id: int) -> None:
    api = rec.api
    api.upload_valid("rina", case_id, ("kuitansi",))
    rec.fire("grant/approved", "dewi", case_id, "pay",
             data={**DISBURSEMENT, "spm_date": "2026-04-10", "sp2d_date": "2026-04-15"})
    rec.fire("grant/approved", "dewi", case_id, "pay", data=DISBURSEMENT)
    rec.detail("grant/paid", case_id)
    rec.case_pages("grant/paid", case_id, ("fajar",))
    api.upload_valid("rina", case_id, ("lpj", "pernyataan_penggunaan"))
    rec.fire("grant/paid", "fajar", case_id, "report", data={"spent_amount": 120_000_000})
    rec.upload("grant/paid", "rina", case_id, ("sts",))
    rec.fire("grant/paid", "fajar", case_id, "report", "sisa disetor", {
        "spent_amount": 120_000_000, "refund_amount": 5_000_000, "refund_date": "2026-12-15"})
    rec.detail("grant/reported", case_id, ("fajar",))
    rec.case_pages("grant/reported", case_id, ("fajar", "siti"))


def _forms(rec: Recorder) -> None:
    for who in ("rina", "siti"):
        rec.page(f"forms/new/{who}", who, "/cases/new")
        rec.page(f"forms/new-grant/{who}", who, "/cases/new?workflow=grant")


def record(rec: Recorder) -> None:
    """The whole walk: every case through its states, recorded at each step."""
    _forms(rec)
    _media_walk(rec)
    rec.advance(days=7)  # the Kadis's three working days have passed
    rec.detail("media/reviewed-late", 1, ("ahmad", "siti"))
    rec.case_pages("media/reviewed-late", 1, ("ahmad",))
    rec.lists("media/late")
    _media_decided(rec, 1)
    _withdrawn_walk(rec)
    last_year = _last_year_grant(rec)
    case_id = _grant_walk(rec, last_year)
    rec.lists("grant/approved")
    _grant_paid(rec, case_id)
    rec.lists("end")
