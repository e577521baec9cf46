"""Reason codes: why a guard failed, in a stable code plus an Indonesian message."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Reason:
    """One unmet condition.

    ``code`` is stable (tests and clients match on it); ``message`` is for people.
    ``forbids`` marks reasons about *who* acts (role, four eyes): they make a refusal a 403
    rather than a 422, because no change of input can lift them.
    """

    code: str
    message: str
    forbids: bool = False

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}
