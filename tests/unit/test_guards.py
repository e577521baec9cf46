"""Each guard, both outcomes. Guards are pure: facts in, reasons out."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from workflows import DEFINITIONS, Actor, CaseFacts, DocumentStatus, TransitionInput
from workflows.facts import DocumentFact
from workflows.guards import GUARDS, GuardContext

OFFICER = Actor(1, "rina", frozenset({"officer"}))
ALL_VALID = {d.code: DocumentStatus.VALID for d in DEFINITIONS["grant"].documents}
MEDIA_VALID = {d.code: DocumentStatus.VALID for d in DEFINITIONS["media_verification"].documents
               if d.code != "ba_verifikasi_faktual"}
UPLOADS = {10: DocumentFact("bast", DocumentStatus.VALID, 100),
           11: DocumentFact("bukti_tayang", DocumentStatus.VALID),
           12: DocumentFact("bast", DocumentStatus.UNCHECKED),
           14: DocumentFact("bast", DocumentStatus.VALID),
           13: DocumentFact("npwp", DocumentStatus.VALID)}
D = date.fromisoformat


def media(trigger: str, data: dict[str, Any] | None = None, **facts: Any) -> GuardContext:
    facts.setdefault("documents", MEDIA_VALID)
    facts.setdefault("uploads", UPLOADS)
    facts.setdefault("applicant", {"dewan_pers_status": "factual", "media_type": "print"})
    return context(trigger, "media_verification", data=data, **facts)


def termin(**data: Any) -> dict[str, Any]:
    return {"spm_number": "SPM/1", "spm_date": D("2026-05-18"), "sp2d_number": "SP2D/1",
            "sp2d_date": D("2026-05-20"), "bast_document_id": 10, "bast_date": D("2026-05-15"),
            "publication_document_id": 11, "gross": 100, "pph23": 2, "ppn": 0, "net": 98,
            **data}


def context(
    trigger: str,
    workflow: str = "grant",
    actor: Actor = OFFICER,
    comment: str = "",
    data: dict[str, Any] | None = None,
    case_data: dict[str, Any] | None = None,
    **facts: Any,
) -> GuardContext:
    """The guard context of ``trigger``: ``data`` is the form, ``case_data`` the case's own."""
    definition = DEFINITIONS[workflow]
    spec = definition.transition(trigger)
    assert spec is not None
    base = CaseFacts(workflow=workflow, state=spec.sources[0], registered_by=2, amount=100,
                     documents=ALL_VALID)
    return GuardContext(definition, spec, replace(base, data=case_data or {}, **facts), actor,
                        TransitionInput(comment, data or {}))


def codes(name: str, ctx: GuardContext) -> list[str]:
    return [r.code for r in GUARDS[name].check(ctx)]


REFUND = {"spent_amount": 40, "refund_amount": 10, "refund_date": D("2026-12-20")}

# (guard, context where it passes, context where it fails, the failing code)
CASES = [
    ("has_role", context("review"), context("approve"), "role_not_permitted"),
    ("is_not_registrant", context("review"), context("review", registered_by=1), "same_actor"),
    ("is_not_reviewer", context("approve", reviewed_by=5),
     context("approve", reviewed_by=1), "same_actor"),
    ("is_not_approver", context("pay", approved_by=5), context("pay", approved_by=1),
     "same_actor"),
    ("is_not_approver", media("record_payment", approved_by=5),
     media("record_payment", approved_by=1), "same_actor"),
    ("has_gate_documents", context("review"), context("review", documents={}),
     "missing_document"),
    ("has_gate_documents", context("review"),
     context("review", documents={**ALL_VALID, "npwp": DocumentStatus.UNCHECKED}),
     "unchecked_document"),
    ("has_gate_documents", context("approve"),
     context("approve", documents={**ALL_VALID, "nphd": DocumentStatus.INVALID}),
     "invalid_document"),
    ("has_gate_documents", context("pay"),
     context("pay", documents={**ALL_VALID, "kuitansi": DocumentStatus.UNCHECKED}),
     "unchecked_document"),
    ("has_gate_documents", media("review"),
     media("review", applicant={"dewan_pers_status": "factual", "media_type": "radio"},
           documents={k: v for k, v in MEDIA_VALID.items() if k != "ipp"}),
     "missing_document"),
    ("has_gate_documents", media("record_payment"),
     media("record_payment", documents={**MEDIA_VALID, "spk": DocumentStatus.INVALID}),
     "invalid_document"),
    ("has_comment", context("reject", comment="tidak layak"), context("reject", comment="  "),
     "missing_reason"),
    ("has_required_fields", context("review", data={"recommended_amount": 1}),
     context("review"), "missing_field"),
    ("is_recommendation_within_request", context("review", data={"recommended_amount": 100}),
     context("review", data={"recommended_amount": 101}), "over_requested"),
    ("is_approval_within_recommendation", context("approve", recommended_amount=80),
     context("approve", recommended_amount=80, data={"approved_amount": 81}),
     "over_recommended"),
    ("is_within_budget", context("approve", budget_remaining=100),
     context("approve", budget_remaining=99), "over_budget"),
    ("is_within_budget", context("approve", budget_remaining=100),
     context("approve", budget_remaining=None), "no_budget"),
    ("is_within_category_ceiling",
     media("review", amount=18_000_000, applicant={"dewan_pers_status": "in_process"}),
     media("review", amount=18_000_001, applicant={"dewan_pers_status": "in_process"}),
     "over_category_ceiling"),
    ("has_eligible_category", media("review"),
     media("review", applicant={"dewan_pers_status": "none"}), "not_eligible_category"),
    ("has_factual_verification", media("review", data={"site_visit_note": "dikunjungi"}),
     media("review"), "missing_factual_verification"),
    ("has_factual_verification",
     media("review", documents={**MEDIA_VALID, "ba_verifikasi_faktual": DocumentStatus.VALID}),
     media("review", documents={**MEDIA_VALID,
                                "ba_verifikasi_faktual": DocumentStatus.INVALID}),
     "missing_factual_verification"),
    ("is_contract_period_valid",
     media("approve", data={"contract_start": D("2026-03-01"), "contract_end": D("2026-03-01")}),
     media("approve", data={"contract_start": D("2026-03-02"), "contract_end": D("2026-03-01")}),
     "invalid_period"),
    ("has_payment_documents", media("record_payment", data=termin()),
     media("record_payment", data=termin(), paid_documents=frozenset({10})),
     "document_already_paid"),
    ("has_payment_documents", media("record_payment", data=termin()),
     media("record_payment", data=termin(bast_document_id=12)), "unchecked_document"),
    ("has_payment_documents", media("record_payment", data=termin()),
     media("record_payment", data=termin(bast_document_id=13)), "missing_document"),
    ("has_payment_documents", media("record_payment", data=termin()),
     media("record_payment", data=termin(), paid_elsewhere=frozenset({11})),
     "document_already_paid"),
    ("has_payment_documents", media("record_payment", data=termin(gross=100, net=98)),
     media("record_payment", data=termin(gross=101, net=99)), "over_accepted_value"),
    ("has_payment_documents", media("record_payment", data=termin()),
     media("record_payment", data=termin(bast_document_id=14)), "missing_document_value"),
    ("is_spm_after_bast", media("record_payment", data=termin()),
     media("record_payment", data=termin(spm_date=D("2026-05-14"))), "spm_before_bast"),
    ("is_bast_within_contract",
     media("record_payment", data=termin(), case_data={"spk_date": "2026-05-15"}),
     media("record_payment", data=termin(), case_data={"contract_start": "2026-05-16"}),
     "bast_before_contract"),
    ("is_ppn_collected_from_pkp",
     media("record_payment", data=termin(gross=3_000_000, pph23=0, net=3_000_000)),
     media("record_payment", data=termin(gross=3_000_000, pph23=0, net=3_000_000),
           party_is_pkp=True), "ppn_missing"),
    ("is_net_consistent", media("record_payment", data=termin()),
     media("record_payment", data=termin(gross=0, pph23=0, net=0)), "nothing_to_pay"),
    ("is_contract_period_valid",
     media("approve", fiscal_year=2026,
           data={"contract_start": D("2026-03-01"), "contract_end": D("2026-12-31")}),
     media("approve", fiscal_year=2026,
           data={"contract_start": D("2026-03-01"), "contract_end": D("2027-01-01")}),
     "invalid_period"),
    ("has_nphd", context("pay", nphd_date=D("2026-03-10")), context("pay"), "missing_nphd"),
    ("has_nphd", context("pay", data={"nphd_number": "N/1", "nphd_date": D("2026-03-10")}),
     context("pay", nphd_date=D("2026-03-10"), data={"nphd_date": D("2026-03-10")}),
     "nphd_already_recorded"),
    ("has_nphd", context("pay", nphd_date=D("2026-03-10")),
     context("pay", nphd_date=D("2026-03-10"),
             documents={**ALL_VALID, "nphd": DocumentStatus.INVALID}), "invalid_document"),
    ("is_approval_within_decision",
     context("approve", recommended_amount=80, case_data={"keputusan_amount": 100},
             decision_committed=20),
     context("approve", recommended_amount=80, case_data={"keputusan_amount": 100},
             decision_committed=21), "over_decision"),
    ("is_sp2d_after_bast", media("record_payment", data=termin(sp2d_date=D("2026-05-15"))),
     media("record_payment", data=termin(sp2d_date=D("2026-05-14"))), "sp2d_before_bast"),
    ("is_sp2d_after_spm", media("record_payment", data=termin()),
     media("record_payment", data=termin(spm_date=D("2026-05-21"))), "sp2d_before_spm"),
    ("is_net_consistent", media("record_payment", data=termin()),
     media("record_payment", data=termin(net=100)), "net_mismatch"),
    ("is_ppn_only_from_pkp",
     media("record_payment", data=termin(ppn=11, net=87), party_is_pkp=True),
     media("record_payment", data=termin(ppn=11, net=87)), "ppn_not_pkp"),
    ("is_within_contract_value",
     media("record_payment", data=termin(gross=50), approved_amount=100, paid_amount=50),
     media("record_payment", data=termin(gross=51), approved_amount=100, paid_amount=50),
     "over_contract"),
    ("has_payment_or_closing_reason", media("pay", data=termin()),
     media("pay", data={"gross": 100}), "missing_field"),
    ("has_payment_or_closing_reason", media("pay", data={"closing_reason": "selesai"},
                                            payments=1),
     media("pay", data={"closing_reason": "selesai"}), "nothing_paid"),
    ("has_payment_or_closing_reason", media("pay", data={"closing_reason": "x"}, payments=2),
     media("pay", data={**termin(), "closing_reason": "x"}, payments=2),
     "payment_and_closing"),
    ("is_approval_within_decision",
     context("approve", recommended_amount=80, case_data={"keputusan_amount": 80}),
     context("approve", recommended_amount=80), "missing_decision"),
    ("is_approval_within_decision",
     context("approve", recommended_amount=80, case_data={"keputusan_amount": 80}),
     context("approve", recommended_amount=80, case_data={"keputusan_amount": 79}),
     "over_decision"),
    ("is_sp2d_after_nphd", context("pay", nphd_date=D("2026-03-10"),
                                   data={"sp2d_date": D("2026-03-10")}),
     context("pay", nphd_date=D("2026-03-10"), data={"sp2d_date": D("2026-03-09")}),
     "sp2d_before_nphd"),
    ("has_no_overdue_report", context("approve"),
     context("approve", recipient_has_overdue_report=True), "overdue_report"),
    ("is_payment_within_approval", context("pay", approved_amount=50, data={"gross": 50}),
     context("pay", approved_amount=50, data={"gross": 51}), "over_approved"),
    ("is_spending_within_payment", context("report", paid_amount=50, data={"spent_amount": 50}),
     context("report", paid_amount=50, data={"spent_amount": 51}), "over_paid"),
    ("has_refund_slip_when_underspent",
     context("report", paid_amount=50, data=REFUND),
     context("report", paid_amount=50, data=REFUND, documents={"lpj": DocumentStatus.VALID}),
     "missing_document"),
    ("has_refund_slip_when_underspent", context("report", paid_amount=50, data=REFUND),
     context("report", paid_amount=50, data=REFUND,
             documents={**ALL_VALID, "sts": DocumentStatus.INVALID}), "invalid_document"),
    ("has_refund_slip_when_underspent", context("report", paid_amount=50, data=REFUND),
     context("report", paid_amount=50, data={**REFUND, "refund_amount": 9}),
     "refund_mismatch"),
]


@pytest.mark.parametrize(("guard", "passing", "failing", "code"), CASES,
                         ids=[f"{c[0]}-{c[3]}" for c in CASES])
def test_guard_passes_and_fails_with_its_reason_code(
    guard: str, passing: GuardContext, failing: GuardContext, code: str
) -> None:
    assert codes(guard, passing) == []
    assert code in codes(guard, failing)


def test_every_registered_guard_is_tested_both_ways() -> None:
    assert {c[0] for c in CASES} == set(GUARDS)


def test_every_guard_named_by_a_workflow_exists() -> None:
    named = {g for d in DEFINITIONS.values() for t in d.transitions for g in t.guards}
    assert named <= set(GUARDS)


# Separation of duties (docs/domain.md): each step of the main line refuses the previous
# step's actor.
FOUR_EYES = {"review": "is_not_registrant", "approve": "is_not_reviewer", "pay": "is_not_approver"}


@pytest.mark.parametrize("workflow", sorted(DEFINITIONS))
def test_each_main_line_step_refuses_whoever_took_the_step_before(workflow: str) -> None:
    for trigger, guard in FOUR_EYES.items():
        spec = DEFINITIONS[workflow].transition(trigger)
        assert spec is not None
        assert guard in spec.guards, (workflow, trigger)


@pytest.mark.parametrize("workflow", sorted(DEFINITIONS))
def test_pay_is_refused_to_the_approver_even_when_they_also_hold_the_treasurer_role(
    workflow: str
) -> None:
    both = Actor(1, "ahmad", frozenset({"kadis", "treasurer"}))
    mine = GUARDS["is_not_approver"].check(context("pay", workflow, both, approved_by=1))
    assert [(r.code, r.forbids) for r in mine] == [("same_actor", True)]
    assert "menyetujui" in mine[0].message
    assert codes("is_not_approver", context("pay", workflow, both, approved_by=7)) == []


def test_people_reasons_forbid_and_data_reasons_do_not() -> None:
    same = GUARDS["is_not_registrant"].check(context("review", registered_by=1))
    missing = GUARDS["has_gate_documents"].check(context("review", documents={}))
    assert all(r.forbids for r in same)
    assert not any(r.forbids for r in missing)


def test_over_budget_message_states_what_is_left_in_rupiah() -> None:
    ctx = context("approve", amount=20_000_000, budget_remaining=12_000_000)
    (reason,) = GUARDS["is_within_budget"].check(ctx)
    assert reason.message == "sisa pagu Rp12.000.000"
    assert reason.basis == ""  # the engine adds the definition's basis, not the guard


def test_refund_slip_is_not_needed_when_everything_was_spent() -> None:
    ctx = context("report", paid_amount=50, data={"spent_amount": 50}, documents={})
    assert codes("has_refund_slip_when_underspent", ctx) == []


def test_approval_defaults_to_the_recommended_amount() -> None:
    ctx = context("approve", recommended_amount=70, budget_remaining=70)
    assert codes("is_within_budget", ctx) == []
    assert ctx.input.data == {}
