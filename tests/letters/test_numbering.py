"""Twenty documents of one kind issued at the same moment, each by its own thread with its
own session, on each database: they take the numbers 1 to 20, no gap, no double; issues that
fail at the same time take none."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlmodel import select

from cases.letters import LetterRenderError, default_office
from cases.models import IssuedLetter, LetterSequence, User
from cases.services import letters as letter_service
from cases.services.users import to_actor
from infra.runtime import Runtime
from tests.api.helpers import Api
from workflows import BerkasError

CLIENTS = 20
KIND = "ba_hasil_verifikasi"


def issue_together(runtime: Runtime, case_ids: list[int]) -> list[str | BerkasError]:
    """fajar issues the verification BA of each case, all released at once: each thread
    with its own session. The number of each, or its refusal."""
    with runtime.sessions() as session:
        fajar = to_actor(session.exec(select(User).where(User.username == "fajar")).one())
    start = threading.Barrier(len(case_ids))
    office = default_office()

    def one(case_id: int) -> str | BerkasError:
        with runtime.sessions() as session:
            ctx = runtime.ctx(session, fajar)
            start.wait()
            try:
                return letter_service.issue_letter(ctx, office, case_id, KIND).number
            except BerkasError as refused:
                return refused

    with ThreadPoolExecutor(len(case_ids)) as pool:
        return list(pool.map(one, case_ids))


def stored(runtime: Runtime) -> tuple[list[int], int]:
    with runtime.sessions() as session:
        seqs = sorted(letter.seq for letter in session.exec(select(IssuedLetter)))
        counter = session.exec(select(LetterSequence.last)).one()
    return seqs, counter


def test_twenty_issues_at_once_take_the_numbers_1_to_20(api: Api, runtime: Runtime) -> None:
    case_ids = [int(api.create_media("rina")["id"]) for _ in range(CLIENTS)]
    numbers = issue_together(runtime, case_ids)
    assert all(isinstance(n, str) for n in numbers), numbers
    assert sorted(numbers, key=lambda n: int(str(n).split("/")[1])) == [
        f"400.14.2.1/{seq}/Diskominfo/2026" for seq in range(1, CLIENTS + 1)]
    assert stored(runtime) == (list(range(1, CLIENTS + 1)), CLIENTS)
    assert api.audit_check()["ok"] is True


def test_issues_that_fail_among_them_take_no_number(
    api: Api, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_ids = [int(api.create_media("rina")["id"]) for _ in range(CLIENTS)]
    failing = set(case_ids[::4])
    render: Callable[..., bytes] = letter_service.render_pdf

    def sometimes(template: str, context: Mapping[str, Any], **kwargs: Any) -> bytes:
        if context["case"].id in failing:
            raise LetterRenderError("gagal disusun (uji)")
        return render(template, context, **kwargs)

    monkeypatch.setattr(letter_service, "render_pdf", sometimes)
    results = issue_together(runtime, case_ids)
    refused = [r for r in results if isinstance(r, BerkasError)]
    assert len(refused) == len(failing)
    assert {r.code for r in refused} == {"letter_render_failed"}
    issued = CLIENTS - len(failing)
    assert stored(runtime) == (list(range(1, issued + 1)), issued)
