"""The issuing office as its documents print it: the kop surat, the place they are dated
at, the unit their verification page names, how their numbers are built and where they are
verified. From the settings, passed in (never read from deep inside)."""

from __future__ import annotations

from dataclasses import dataclass

from infra.config import Settings
from workflows.letters import format_number


@dataclass(frozen=True, slots=True)
class Office:
    government: str
    department: str
    address: str
    contact: str
    logo: str  # a PNG or JPEG file beside the kop; empty: none
    place: str
    unit: str
    number_pattern: str
    public_url: str

    def number(self, code: str, seq: int, year: int) -> str:
        """The number of the ``seq``-th document of a kind classified ``code`` in ``year``."""
        return format_number(self.number_pattern, code, seq, year)

    def verify_url(self, token: str) -> str:
        """The public verification page of the document with ``token`` (its QR code)."""
        return f"{self.public_url.rstrip('/')}/v/{token}"


def office_of(settings: Settings) -> Office:
    return Office(
        government=settings.letterhead_government, department=settings.letterhead_department,
        address=settings.letterhead_address, contact=settings.letterhead_contact,
        logo=settings.letterhead_logo, place=settings.letter_place, unit=settings.letter_unit,
        number_pattern=settings.letter_number_pattern, public_url=settings.public_url)


def default_office() -> Office:
    """The office of the default settings (Balangan's), for the demo, which has none."""
    return office_of(Settings.model_construct())
