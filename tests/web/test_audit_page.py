"""The audit page: an admin starts a whole-log check and reads its result and the system
chain; nobody else sees it."""

from __future__ import annotations

from collections.abc import Callable

from tests.api.helpers import Api
from tests.web.helpers import Pages


def test_the_audit_page_starts_a_check_and_shows_its_result(
    browser_for: Callable[[str], Pages], api: Api
) -> None:
    api.create_media()
    admin = browser_for("admin")
    started = admin.post("/admin/audit/checks", follow_redirects=False)
    assert started.status_code == 303
    html = admin.get("/admin/audit").text
    assert "Jejak audit utuh" in html
    assert "Pemeriksaan jejak audit dimulai" in html
    officer = browser_for("rina")
    assert officer.get("/admin/audit").status_code == 403
