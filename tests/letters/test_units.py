"""The pieces of a document, without a database: amounts in words, text the core font
prints, the number pattern, who signs by which title, and the kinds each workflow
declares."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from cases.letters.latin1 import to_latin1
from cases.letters.render import TEMPLATES
from cases.letters.words import day_in_words, rupiah_in_full, terbilang
from infra.config import Settings
from tests.conftest import SECRET
from workflows import DEFINITIONS, Actor, Role
from workflows.acting import ActingWarrant
from workflows.letters import issuable, number_problem, refusals, signer_title


@pytest.mark.parametrize(("amount", "written"), [
    (0, "Rp0,00 (nol rupiah)"),
    (1, "Rp1,00 (satu rupiah)"),
    (11, "Rp11,00 (sebelas rupiah)"),
    (100, "Rp100,00 (seratus rupiah)"),
    (1_000, "Rp1.000,00 (seribu rupiah)"),
    (1_001, "Rp1.001,00 (seribu satu rupiah)"),
    (1_000_000, "Rp1.000.000,00 (satu juta rupiah)"),
    (12_500_000, "Rp12.500.000,00 (dua belas juta lima ratus ribu rupiah)"),
    (1_000_000_000_000, "Rp1.000.000.000.000,00 (satu triliun rupiah)"),
    # A lone thousand after a larger unit is "seribu", as every terbilang writes it;
    # a hundred and one thousand stays "seratus satu ribu".
    (1_001_000, "Rp1.001.000,00 (satu juta seribu rupiah)"),
    (2_001_500, "Rp2.001.500,00 (dua juta seribu lima ratus rupiah)"),
    (101_000, "Rp101.000,00 (seratus satu ribu rupiah)"),
    (1_000_001_000, "Rp1.000.001.000,00 (satu miliar seribu rupiah)"),
])
def test_amounts_are_written_in_figures_and_words(amount: int, written: str) -> None:
    assert rupiah_in_full(amount) == written


def test_the_largest_amount_berkas_takes_is_written_out() -> None:
    assert terbilang(9_999_999_999_999) == (
        "sembilan triliun sembilan ratus sembilan puluh sembilan miliar sembilan ratus "
        "sembilan puluh sembilan juta sembilan ratus sembilan puluh sembilan ribu sembilan "
        "ratus sembilan puluh sembilan rupiah")


def test_a_ba_opens_with_its_day_in_words() -> None:
    assert day_in_words(date(2026, 2, 4)) == (
        "Rabu tanggal empat bulan Februari tahun dua ribu dua puluh enam")


@pytest.mark.parametrize(("typed", "printed"), [
    ("Hj. Siti Nur’aini — S.Sos.", "Hj. Siti Nur'aini - S.Sos."),
    ("nilai ≤ pagu ≥ 0", "nilai <= pagu >= 0"),
    ("“Balangan Pos” … • ✓", '"Balangan Pos" ... - ?'),
    ("Müller Ñandú ½", "Müller Ñandú ½"),  # Latin-1 already: kept
    ("Şahin 𝐁old ﬁ 漢字", "Sahin Bold fi ??"),
])
def test_text_is_printed_in_latin1(typed: str, printed: str) -> None:
    assert to_latin1(typed) == printed
    to_latin1(typed).encode("latin-1")


@pytest.mark.parametrize(("pattern", "problem"), [
    ("{code}/{seq}/Diskominfo/{year}", None),
    ("{code}/{seq:03d}/DISKOMINFO-BLG/{year}", None),
    ("{code}/Diskominfo/{year}", "pola nomor harus memuat {seq}"),
    ("{seq}/Diskominfo/{year}", "pola nomor harus memuat {code}"),
    ("Diskominfo/{year}", "pola nomor harus memuat {code} dan {seq}"),
    ("{code}/{seq}/{bulan}/{year}", "pola nomor hanya boleh memuat {code}, {seq} dan {year}, "
                                    "bukan {bulan}"),
    ("{code}/{seq/{year}", "pola nomor tidak dapat dibaca"),
])
def test_the_number_pattern_must_number(pattern: str, problem: str | None) -> None:
    assert number_problem(pattern) == problem


def test_settings_refuse_a_pattern_that_would_repeat_numbers() -> None:
    with pytest.raises(ValidationError, match="harus memuat"):
        Settings(env="test", secret_key=SECRET, letter_number_pattern="{code}/{year}")


KABID = Actor(3, "siti", frozenset({Role.KABID}), "Siti")
PLH = ActingWarrant(1, "800/1/SETDA/2026", "plh", Role.KADIS, date(2026, 2, 6))
PLT = ActingWarrant(2, "800/2/SETDA/2026", "plt", Role.KADIS, date(2026, 5, 6))


def test_the_signer_signs_by_the_position_they_issue_by() -> None:
    media = DEFINITIONS["media_verification"]
    notice, ba = media.letter("pemberitahuan_hasil_verifikasi"), media.letter(
        "ba_hasil_verifikasi")
    assert notice is not None
    assert ba is not None
    plh = Actor(3, "siti", frozenset({Role.KABID, Role.KADIS}), "Siti", acting=(PLH,))
    plt = Actor(3, "siti", frozenset({Role.KABID, Role.KADIS}), "Siti", acting=(PLT,))
    assert signer_title(notice, plh) == "Plh. Kepala Dinas Komunikasi dan Informatika"
    assert signer_title(notice, plt) == "Plt. Kepala Dinas Komunikasi dan Informatika"
    # A kind the Kabid issues in their own right: no warrant, their own title.
    assert signer_title(ba, plh) == (
        "Kepala Bidang Pengelolaan Informasi dan Komunikasi Publik")
    assert refusals(notice, "reviewed", KABID)[0].code == "role_not_permitted"
    assert [k.code for k in issuable(media, "reviewed", plh)] == [
        "ba_hasil_verifikasi", "pemberitahuan_hasil_verifikasi"]


def test_no_two_kinds_share_a_classification_code_so_no_two_documents_a_number() -> None:
    codes = [kind.classification for d in DEFINITIONS.values() for kind in d.letters]
    assert len(codes) == len(set(codes))


def test_every_declared_kind_has_its_template_known_states_and_case_roles() -> None:
    for definition in DEFINITIONS.values():
        states = {s.code for s in definition.states}
        codes = [k.code for k in definition.letters]
        assert len(codes) == len(set(codes)), definition.name
        for kind in definition.letters:
            assert (TEMPLATES / kind.template).is_file(), kind.template
            assert set(kind.states) <= states, kind.code
            assert kind.roles, kind.code
            assert Role.AUDITOR not in kind.roles, kind.code
            assert kind.classification, kind.code
