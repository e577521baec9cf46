"""A small, realistic year for the recaps, made through the API as the people would: four
grants (LPJ on time with a refund by STS, LPJ late, LPJ owed past its day, not yet paid) and
two media contracts (one paid in two termins, one PKP company with PPN on its first termin).

The clock starts on 4 February 2026 (``tests.conftest.clock``); the grants move it to
12 January 2027, two days past the LPJ day of fiscal year 2026.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.api.helpers import (
    GRANT_REVIEW_DOCS,
    MEDIA_REVIEW_DOCS,
    SITE_VISIT,
    SPK,
    Api,
    disbursement,
    termin,
)
from tests.conftest import FakeClock

PWI = {"kind": "organisation", "name": "PWI Kabupaten Balangan",
       "npwp": "02.345.678.9-012.000", "address": "Paringin"}
IJTI = {"kind": "organisation", "name": "IJTI Balangan", "npwp": "03.456.789.0-123.000",
        "address": "Paringin"}
AJI = {"kind": "organisation", "name": "AJI Balangan", "npwp": "04.567.890.1-234.000",
       "address": "Batumandi"}
SMSI = {"kind": "organisation", "name": "SMSI Balangan", "npwp": "05.678.901.2-345.000",
        "address": "Juai"}
PKP_COMPANY = {"kind": "company", "name": "PT Banua Televisi", "npwp": "06.789.012.3-456.000",
               "nib": "9876543210123", "address": "Paringin", "is_pkp": True}
GRANT_PAGU, MEDIA_PAGU = 500_000_000, 600_000_000


def _ok(response: Any) -> None:
    assert response.status_code == 200, response.text


def approved_grant(api: Api, party: dict[str, Any], n: int, amount: int) -> int:
    """A grant under its own Keputusan Bupati for ``amount``, evaluated and approved with its
    NPHD (number ``n``) for the whole of it."""
    case_id: int = api.create_grant("rina", amount=amount, party=party,
                                    keputusan_number=f"188.45/{100 + n}/KUM/2026",
                                    keputusan_amount=amount)["id"]
    api.upload_valid("rina", case_id, GRANT_REVIEW_DOCS)
    _ok(api.fire("fajar", case_id, "review", data={"recommended_amount": amount}))
    api.upload_valid("rina", case_id, ("nphd",))
    _ok(api.fire("ahmad", case_id, "approve", data={
        "nphd_number": f"NPHD/{n:02d}/DISKOMINFO/2026", "nphd_date": "2026-03-10",
        "approved_amount": amount}))
    return case_id


def paid_grant(api: Api, party: dict[str, Any], n: int, amount: int) -> int:
    case_id = approved_grant(api, party, n, amount)
    api.upload_valid("rina", case_id, ("kuitansi",))
    _ok(api.fire("dewi", case_id, "pay", data=disbursement(amount, n=n)))
    return case_id


def report(api: Api, case_id: int, spent: int, refund: int = 0,
           refund_date: str = "") -> None:
    """The LPJ accepted: what was spent, and the rest refunded by STS."""
    api.upload_valid("rina", case_id, ("lpj", "pernyataan_penggunaan"))
    data: dict[str, Any] = {"spent_amount": spent}
    if refund:
        api.upload_valid("rina", case_id, ("sts",))
        data.update(refund_amount=refund, refund_date=refund_date)
    _ok(api.fire("fajar", case_id, "report", data=data))


def move_to(api: Api, clock: FakeClock, moment: datetime) -> None:
    clock.now = moment
    api.forget_tokens()


def grants(api: Api, clock: FakeClock) -> dict[str, int]:
    """The four grants of 2026 (and one only registered, which is no recipient)."""
    api.set_budget("grant", GRANT_PAGU)
    ids = {"on_time": paid_grant(api, PWI, 1, 125_000_000),
           "late": paid_grant(api, IJTI, 2, 80_000_000),
           "owed": paid_grant(api, AJI, 3, 60_000_000),
           "unpaid": approved_grant(api, SMSI, 4, 40_000_000)}
    api.create_grant("rina", amount=10_000_000, party=PWI,
                     keputusan_number="188.45/199/KUM/2026", keputusan_amount=10_000_000)
    move_to(api, clock, datetime(2026, 12, 15, 2, 0, tzinfo=UTC))  # 10.00 WITA
    report(api, ids["on_time"], 100_000_000, 25_000_000, "2026-12-14")
    # 12 January 2027, 07.30 WITA (still the 11th in UTC): two days past the LPJ day.
    move_to(api, clock, datetime(2027, 1, 11, 23, 30, tzinfo=UTC))
    report(api, ids["late"], 80_000_000)
    return ids


def media(api: Api) -> dict[str, int]:
    """Two contracts: 45 jt paid in two termins (20 + 25, final); 30 jt with a PKP company,
    one termin of 12 jt with PPN."""
    first = api.to_approved_media(45_000_000)
    bast, tayang = api.termin_documents(first)
    _ok(api.fire("dewi", first, "record_payment", data=termin(bast, tayang, 20_000_000)))
    bast, tayang = api.termin_documents(first)
    _ok(api.fire("dewi", first, "pay", data=termin(bast, tayang, 25_000_000, n=2)))

    pkp: int = api.create_media("rina", amount=30_000_000, party=PKP_COMPANY,
                                media_name="Banua TV Online", media_type="online")["id"]
    api.upload_valid("rina", pkp, MEDIA_REVIEW_DOCS)
    _ok(api.fire("fajar", pkp, "review", data=SITE_VISIT))
    _ok(api.fire("ahmad", pkp, "approve", data={
        **SPK, "spk_number": "027/02/SPK-PUB/DISKOMINFO/2026", "approved_amount": 30_000_000}))
    api.upload_valid("rina", pkp, ("spk",))
    bast, tayang = api.termin_documents(pkp)
    _ok(api.fire("dewi", pkp, "record_payment", data={
        **termin(bast, tayang, 12_000_000, n=3), "ppn": 1_320_000,
        "net": 12_000_000 - 240_000 - 1_320_000}))
    return {"paid": first, "pkp": pkp}
