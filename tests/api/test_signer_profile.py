"""The rank and NIP a signature block prints (Permendagri 1/2023): recorded by the admin,
checked, audited."""

from __future__ import annotations

import pytest

from tests.api.helpers import Api

NIP = "197805122005011003"  # born 12 May 1978, appointed January 2005, male, number 003


def user_id(api: Api, username: str) -> int:
    return next(int(u["id"]) for u in api.get("admin", "/api/users").json()
                if u["username"] == username)


def test_the_admin_records_a_rank_and_nip_and_the_system_log_keeps_the_old_ones(
    api: Api
) -> None:
    ahmad = user_id(api, "ahmad")
    saved = api.put("admin", f"/api/users/{ahmad}/profile",
                    json={"rank": "Pembina Utama Muda (IV/c)", "nip": "19780512 200501 1 003"})
    assert saved.status_code == 200, saved.text
    assert (saved.json()["rank"], saved.json()["nip"]) == ("Pembina Utama Muda (IV/c)", NIP)
    assert api.get("ahmad", "/api/me").json()["nip"] == NIP
    entry = api.get("admin", "/api/audit/system").json()[0]
    assert (entry["action"], entry["target"]) == ("profile_changed", "ahmad")
    assert entry["payload"]["old"] == {"rank": "", "nip": ""}


@pytest.mark.parametrize("nip", ["1978051220050110", "19780512200501100X",
                                 "197813122005011003", "197805122005013003"])
def test_a_nip_that_is_not_one_is_refused(api: Api, nip: str) -> None:
    refused = api.put("admin", f"/api/users/{user_id(api, 'ahmad')}/profile",
                      json={"rank": "", "nip": nip})
    assert (refused.status_code, refused.json()["detail"]["code"]) == (422, "invalid_nip")


def test_only_the_admin_records_a_profile(api: Api) -> None:
    refused = api.put("ahmad", f"/api/users/{user_id(api, 'ahmad')}/profile",
                      json={"rank": "IV/c", "nip": NIP})
    assert refused.status_code == 403
