"""Acting officials (Plh., Plt.): who acts for a position under a written warrant, and what
they may not do.

When an official is away, a written warrant (surat perintah) appoints an acting official:
**Plh.** (pelaksana harian) for a temporary absence, **Plt.** (pelaksana tugas) for a vacancy.
Within its window the acting official holds the position's case permissions beside their own
and signs as "Plh. Kepala Dinas …" (Permendagri 1/2023 on the signature block). Per UU 30/2014
Art. 14 and SE BKN 1/SE/I/2021 they take no decision that changes organisation, staffing or
budget allocation (:data:`ACTING_LIMITED`). These are plain values: the service layer reads
the warrants and hands them to :class:`~workflows.facts.Actor`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from workflows.definition import Role
from workflows.reasons import Reason

ACTING_BASIS = "UU 30/2014 Pasal 14; SE BKN 1/SE/I/2021"


class WarrantKind(StrEnum):
    PLH = "plh"  # pelaksana harian: the holder is temporarily away
    PLT = "plt"  # pelaksana tugas: the position is vacant


KIND_PREFIX: Mapping[str, str] = {WarrantKind.PLH: "Plh.", WarrantKind.PLT: "Plt."}
KIND_LABELS: Mapping[str, str] = {
    WarrantKind.PLH: "Plh. (pelaksana harian, pejabat berhalangan sementara)",
    WarrantKind.PLT: "Plt. (pelaksana tugas, jabatan lowong)",
}

# The positions a warrant can cover, by the role that holds them, with their title as a
# signature block writes it. Officers are a team (one stands in for another without a
# warrant); finance, the auditor and the admin decide budget, audit or accounts, which an
# acting official may not (SE BKN 1/SE/I/2021).
POSITION_TITLES: Mapping[str, str] = {
    Role.KADIS: "Kepala Dinas Komunikasi dan Informatika",
    Role.KABID: "Kepala Bidang Pengelolaan Informasi dan Komunikasi Publik",
    Role.TREASURER: "Bendahara Pengeluaran",
}

# What an acting official may not do under a warrant: change the pagu, users, roles or the
# warrants themselves (``cases.permissions``, refused as ``acting_limit``).
ACTING_LIMITED = frozenset({"set_budget", "manage_users", "manage_warrants"})


class Lapse(StrEnum):
    EXPIRED = "warrant_expired"
    REVOKED = "warrant_revoked"
    # The person's own roles changed since: the position may no longer be lent to them
    # (an auditor, finance as Plh. Kadis; ``cases.permissions.lends``).
    SUSPENDED = "warrant_suspended"


def capacity(kind: str, role: str) -> str:
    """How an acting official signs: ``Plh. Kepala Dinas Komunikasi dan Informatika``."""
    return f"{KIND_PREFIX[kind]} {POSITION_TITLES[role]}"


@dataclass(frozen=True, slots=True)
class ActingWarrant:
    """A warrant in force for the actor now: the role it lends, and how they sign under it."""

    id: int
    number: str
    kind: str
    role: str
    valid_until: date

    @property
    def capacity(self) -> str:
        return capacity(self.kind, self.role)

    def trace(self) -> dict[str, object]:
        """What an audit entry records of an act under this warrant."""
        return {"id": self.id, "number": self.number, "kind": self.kind, "role": self.role,
                "capacity": self.capacity}


@dataclass(frozen=True, slots=True)
class LapsedWarrant:
    """The actor's latest warrant for a role they no longer hold: why it grants nothing."""

    id: int
    number: str
    kind: str
    role: str
    lapse: Lapse
    valid_until: date

    def reason(self) -> Reason:
        """The refusal of an act this warrant would have allowed (a 403)."""
        title = capacity(self.kind, self.role)
        if self.lapse is Lapse.REVOKED:
            message = f"Surat perintah {title} nomor {self.number} telah dicabut"
        elif self.lapse is Lapse.SUSPENDED:
            message = (f"Surat perintah {title} nomor {self.number} tidak berlaku bagi akun "
                       "dengan peran Anda saat ini")
        else:
            message = (f"Surat perintah {title} nomor {self.number} berlaku sampai "
                       f"{self.valid_until.strftime('%d-%m-%Y')}; masa berlakunya telah habis")
        return Reason(self.lapse.value, message, forbids=True, basis=ACTING_BASIS)


def acting_limit_reason(action_label: str) -> Reason:
    """Why an acting official is refused an act of :data:`ACTING_LIMITED`."""
    return Reason("acting_limit", f"Pejabat Plh./Plt. tidak berwenang {action_label}",
                  forbids=True, basis=ACTING_BASIS)
