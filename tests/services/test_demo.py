"""`berkas demo`, as `make run` runs it: on a fresh SQLite database, through the service layer,
leaving an audit log that verifies, with the story the README tells, whatever the clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from app import cli
from cases.models import Case, Payment, User
from cases.services.budgets import budget_history, list_budgets
from cases.services.facts import case_flags
from cases.services.transitions import available_transitions
from cases.services.users import to_actor
from infra.config import Settings
from infra.runtime import Runtime
from tests.conftest import SECRET

EXPECTED_STATES = {
    "MV-2026-0001": "reported", "MV-2026-0002": "approved", "MV-2026-0003": "paid",
    "MV-2026-0004": "approved", "MV-2026-0005": "reviewed", "MV-2026-0006": "reviewed",
    "MV-2026-0007": "rejected", "MV-2026-0008": "returned", "MV-2026-0009": "withdrawn",
    "MV-2026-0010": "submitted", "MV-2026-0011": "submitted", "MV-2026-0012": "submitted",
    "MV-2026-0013": "submitted", "MV-2026-0014": "submitted",
    "HB-2025-0001": "reported", "HB-2026-0001": "reviewed", "HB-2026-0002": "reported",
}


@pytest.fixture(scope="module", params=["2026-11-25T09:00+08:00", "2026-12-07T09:00+08:00",
                                        "2026-02-04T09:00+08:00"],
                ids=["late-2026", "december", "rakor-day"])
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[Runtime]:
    """The demo loaded by the CLI, late in the year, in its last month (when a contract
    cannot run a month on without leaving the fiscal year), or on the day of the rakor (when
    every date it records falls on that day); its audit verified by the CLI too."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as env:
        for name, value in (("BERKAS_DATABASE_URL", url), ("BERKAS_SECRET_KEY", SECRET),
                            ("BERKAS_ENV", "test"), ("BERKAS_CLOCK_START", request.param)):
            env.setenv(name, value)
        for command in (["migrate"], ["demo"], ["demo", "--only-if-empty"],
                        ["audit", "verify"]):
            result = runner.invoke(cli, command)
            assert result.exit_code == 0, (command, result.output)
            if command == ["demo", "--only-if-empty"]:
                assert "data demo tidak dimuat ulang" in result.output
    runtime = Runtime.build(Settings(env="test", database_url=url, secret_key=SECRET,
                                     clock_start=request.param))
    yield runtime
    runtime.engine.dispose()


def _case(session: Session, reference: str) -> Case:
    return session.exec(select(Case).where(Case.reference == reference)).one()


def test_the_demo_has_cases_in_every_state_and_its_audit_verifies(demo: Runtime) -> None:
    with demo.sessions() as session:
        states = {c.reference: c.state for c in session.exec(select(Case))}
        roles = {u.username: tuple(u.roles) for u in session.exec(select(User))}
    assert states == EXPECTED_STATES
    assert (roles["fina"], roles["irwan"]) == (("finance",), ("auditor",))


def test_the_demo_tells_the_story_the_readme_promises(demo: Runtime) -> None:
    with demo.sessions() as session:
        media = _case(session, "MV-2026-0002")  # two termins paid, one due
        termins = session.exec(select(Payment).where(Payment.case_id == media.id)
                               .order_by(col(Payment.seq))).all()
        assert [(p.gross, p.pph23, p.ppn, p.net, p.final) for p in termins] == [
            (16_650_000, 300_000, 1_650_000, 14_700_000, False)] * 2
        assert (media.approved_amount, media.paid_amount) == (49_950_000, 33_300_000)
        assert media.data["contract_end"] > demo.clock().date().isoformat()

        pwi = _case(session, "HB-2026-0001")  # waits for the Kadis, with last year's warning
        assert pwi.data["keputusan_number"] == "188.45/045/2026"
        assert [f.code for f in case_flags(session, pwi)] == ["previous_year_grant"]
        kadis = to_actor(session.exec(select(User).where(User.username == "ahmad")).one())
        approve = next(e for e in available_transitions(demo.ctx(session, kadis), pwi)
                       if e.trigger == "approve")
        assert approve.allowed, approve.reasons

        refunded = _case(session, "HB-2026-0002")  # LPJ back with an STS
        assert (refunded.spent_amount, refunded.refunded_amount) == (71_350_000, 3_650_000)

        budgets = {(b.workflow, b.fiscal_year): b for b in list_budgets(session)}
        assert budgets[("grant", 2026)].remaining == 250_000_000 - 75_000_000 + 3_650_000
        history = budget_history(session, "media_verification", 2026)
        assert [e.amount for e in history] == [650_000_000, 600_000_000]
        assert all(e.dpa_number and e.dpa_date and e.entered_by_username == "fina"
                   for e in history)
