"""What a transition answers: lean by default (state, version, what may be done next), the
whole case with ``?view=full``; both agree with ``GET /api/cases/{id}``."""

from __future__ import annotations

from tests.api.helpers import Api


def test_a_transition_answers_its_new_state_version_and_next_moves_as_the_case_shows_them(
    api: Api,
) -> None:
    case_id = api.create_media("rina")["id"]
    answer = api.fire("fajar", case_id, "return_for_revision", comment="NIB belum sesuai")
    assert answer.status_code == 200, answer.text
    lean = answer.json()
    shown = api.case("fajar", case_id)
    assert set(lean) == {"id", "reference", "workflow", "state", "state_label", "version",
                         "updated_at", "available_transitions"}
    assert (lean["state"], lean["state_label"]) == ("returned", shown["state_label"])
    assert lean["version"] == shown["version"] == 2
    assert lean["available_transitions"] == shown["available_transitions"]
    again = api.fire("fajar", case_id, "resubmit", comment="NIB diperbaiki",
                     version=lean["version"])
    assert again.status_code == 200, again.text


def test_a_transition_with_view_full_answers_the_whole_case(api: Api) -> None:
    case_id = api.create_media("rina")["id"]
    full = api.fire("fajar", case_id, "return_for_revision", comment="NIB belum sesuai",
                    full=True)
    assert full.status_code == 200, full.text
    assert full.json() == api.case("fajar", case_id)


def test_an_unknown_view_is_refused_and_changes_nothing(api: Api) -> None:
    case_id = api.create_media("rina")["id"]
    refused = api.post("fajar", f"/api/cases/{case_id}/transitions/return_for_revision",
                       params={"view": "everything"}, json={"version": 1, "comment": "x"})
    assert refused.status_code == 422
    assert api.case("fajar", case_id)["version"] == 1
