"""Cases walked through the API while the injected clock moves, so that every stay's length in
working days is known exactly (workflows.calendar: WITA, weekends, holidays, cuti bersama).

February 2026: the clock starts on Wednesday 4 February, 09.00 WITA (``tests.conftest``).
Saturday 14 and Sunday 15 are the weekend, Monday 16 is cuti bersama of Imlek and Tuesday 17
is Imlek itself: from Friday 13 to Wednesday 18 is one working day.

Four media cases of 2026 (A, B, C, D), registered by rina on the 4th:

=====  =============================  =================================  ==================
case   leaves "Diajukan"              its stay (working days)            its deadline (11th)
=====  =============================  =================================  ==================
A      returned by fajar, Thu 5th     5 → 1                              kept
B      returned by fajar, Mon 9th     5, 6, 9 → 3                        kept
C      returned by siti, Wed 18th     5, 6, 9–13, 18 → 8                 closed 3 days late
D      still there on the 18th        open, 8 so far                     open, 3 days late
=====  =============================  =================================  ==================

Finished stays in "Diajukan": 1, 3, 8: median 3, 90th percentile 3 + 0.8 × (8 − 3) = 7.
Fajar's: 1, 3 (median 2, p90 2.8); Siti's: 8. In "Dikembalikan" all three are open: A's for
7 working days (6, 9–13, 18), B's for 5, C's for 0. Beside them, cases the 2026 media report
must leave out: a grant returned by fajar on the 18th (8 days, 3 late) and a media case of
fiscal year 2025 returned by siti on the 5th.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from tests.api.helpers import Api
from tests.conftest import FakeClock

REPORT = "/api/reports/time-in-stage?workflow=media_verification&fiscal_year=2026"
THU_5, MON_9, WED_18 = date(2026, 2, 5), date(2026, 2, 9), date(2026, 2, 18)
DUE = date(2026, 2, 11)  # five working days after the 4th


@dataclass(frozen=True, slots=True)
class Walked:
    a: int
    b: int
    c: int
    d: int
    grant: int
    last_year: int


def move_to(api: Api, clock: FakeClock, day: date) -> None:
    """09.00 WITA on ``day``; tokens are taken anew (the old ones expired meanwhile)."""
    clock.now = datetime.combine(day, time(1, 0), tzinfo=UTC)
    api.forget_tokens()


def send_back(api: Api, who: str, case_id: int) -> None:
    """Return the case for revision: a transition that needs no documents."""
    response = api.fire(who, case_id, "return_for_revision", comment="Lengkapi akta")
    assert response.status_code == 200, response.text


def walk(api: Api, clock: FakeClock) -> Walked:
    """The cases of the module's table, the clock left on Wednesday 18 February, 09.00."""
    a, b, c, d = (int(api.create_media("rina")["id"]) for _ in range(4))
    grant = int(api.create_grant("rina")["id"])
    last_year = int(api.create_media("rina", fiscal_year=2025)["id"])
    move_to(api, clock, THU_5)
    send_back(api, "fajar", a)
    send_back(api, "siti", last_year)
    move_to(api, clock, MON_9)
    send_back(api, "fajar", b)
    move_to(api, clock, WED_18)
    send_back(api, "siti", c)
    send_back(api, "fajar", grant)
    return Walked(a, b, c, d, grant, last_year)
