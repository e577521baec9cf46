"""Reason codes: why a guard failed, in a stable code plus an Indonesian message."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Reason:
    """One unmet condition.

    ``code`` is stable (tests and clients match on it); ``message`` is for people.
    ``forbids`` marks reasons about *who* acts (role, four eyes): they make a refusal a 403
    rather than a 422, because no change of input can lift them. ``basis``: the rule it
    applies (docs/domain.md), shown beside the message.
    """

    code: str
    message: str
    forbids: bool = False
    basis: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "basis": self.basis}

    def with_basis(self, basis: str) -> Reason:
        """This reason, with ``basis`` when it names none of its own."""
        if self.basis or not basis:
            return self
        return Reason(self.code, self.message, self.forbids, basis)
