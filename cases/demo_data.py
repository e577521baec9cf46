"""The demo's data: who works at Diskominfo Balangan, which parties apply, what each case's
story is (amounts, numbers, dates). :mod:`cases.demo` plays it through the use cases.

People, companies, NPWP, NIB and document numbers are invented (PWI Kabupaten Balangan aside).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from cases.services.parties import NewParty

DEMO_PASSWORD = "berkas-demo-2026"  # noqa: S105 - printed to the user on purpose
TZ = ZoneInfo("Asia/Makassar")
DEMO_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n" \
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
MEDIA, GRANT = "media_verification", "grant"

USERS = (
    ("rina", "Rina Handayani", ("officer",)),
    ("fajar", "Fajar Ramadhan", ("officer",)),
    ("siti", "Siti Norhayati", ("kabid",)),
    ("ahmad", "Ahmad Fauzi", ("kadis",)),
    ("dewi", "Dewi Lestari", ("treasurer",)),
    ("fina", "Fina Rahmawati", ("finance",)),
    ("irwan", "Irwan Saputra", ("auditor",)),
    ("admin", "Administrator Berkas", ("admin",)),
)

# Rank (pangkat/golongan) and NIP of those who sign what Berkas issues (made-up numbers, in
# the NIP's form: birth date, appointment month, sex, sequence).
SIGNERS = {
    "rina": ("Penata Muda (III/a)", "199203142019032007"),
    "fajar": ("Penata Muda Tingkat I (III/b)", "199001082015031004"),
    "siti": ("Penata Tingkat I (III/d)", "198404212009012003"),
    "ahmad": ("Pembina Utama Muda (IV/c)", "197805122005011003"),
    "dewi": ("Penata (III/c)", "198709302011012005"),
}

# The pagu, as finance enters it from the DPA (workflow, year, amount, DPA number and date,
# note); the last entry revises the media pagu after the APBD-P.
DPA = "DPA/A.1/2.16.0.00.0.00.01.0000/001/{}"
BUDGETS = (
    (GRANT, 2025, 150_000_000, DPA.format(2025), date(2025, 1, 2),
     "Belanja Hibah kepada Badan, Lembaga, Organisasi Kemasyarakatan"),
    (MEDIA, 2026, 600_000_000, DPA.format(2026), date(2026, 1, 2),
     "Belanja Jasa Iklan/Reklame, Film, dan Pemotretan"),
    (GRANT, 2026, 250_000_000, DPA.format(2026), date(2026, 1, 2),
     "Belanja Hibah kepada Badan, Lembaga, Organisasi Kemasyarakatan"),
    (MEDIA, 2026, 650_000_000, "DPPA" + DPA.format(2026)[3:], date(2026, 10, 9),
     "Perubahan setelah APBD-P 2026 (DPPA-SKPD)"),
)


def _pt(name: str, npwp: str, nib: str, address: str, pkp: bool = False) -> NewParty:
    return NewParty("company", name, npwp, nib, f"{address}, Kabupaten Balangan", pkp)


def _org(name: str, npwp: str, address: str) -> NewParty:
    return NewParty("organisation", name, npwp, "", f"{address}, Kabupaten Balangan")


# NPWP as people type them: the 15-digit form with its dots and dash, or the 16-digit one.
PARTIES = (
    _pt("PT Balangan Media Utama", "31.457.802.6-734.000", "9120108346521",
        "Jl. Jend. A. Yani No. 12, Paringin"),
    _pt("PT Paringin Kreasi Digital", "0836219045734000", "9120203718864",
        "Jl. Putri Saranti No. 5, Paringin", pkp=True),
    _pt("PT Radio Suara Balangan", "02.318.664.1-734.000", "9120005512379",
        "Jl. Basuki Rahmat No. 8, Paringin Selatan"),
    _pt("PT Tebing Tinggi Pers", "0941762308734000", "9120402287153",
        "Desa Dayak Pitap, Tebing Tinggi"),
    _pt("PT Kalsel Satu Media", "84.119.502.7-734.000", "9120306629471",
        "Jl. Pangeran Antasari No. 3, Paringin"),
    _pt("PT Banua Enam Informasi", "76.205.113.4-734.000", "9120117640238",
        "Jl. Tanjung Pura No. 21, Paringin"),
    _pt("PT Lampihong Kabar", "0527713469734000", "9120608815527", "Desa Lampihong, Lampihong"),
    _pt("PT Awayan Swara", "41.882.037.9-734.000", "9120014476592", "Desa Awayan, Awayan"),
    _pt("PT Batumandi Ekspres", "66.340.918.2-734.000", "9120113350764",
        "Jl. Batumandi Raya, Batumandi"),
    _pt("PT Juai Pers Mandiri", "0615509287734000", "9120219934006", "Desa Juai, Juai"),
    _pt("PT Halong Warta Digital", "93.664.210.5-734.000", "9120521178345", "Desa Halong, Halong"),
    _pt("PT Juai Raya Televisi", "0718845201734000", "9120327762819", "Desa Mihu, Juai"),
    _pt("PT Warta Paringin Media", "52.907.446.3-734.000", "9120715590143",
        "Jl. Ahmad Yani No. 40, Paringin"),
    _pt("PT Suara Halong Mandiri", "0389021756734000", "9120802234675", "Desa Binjai, Halong"),
    _org("PWI Kabupaten Balangan", "02.587.319.4-734.000", "Jl. Jend. A. Yani No. 2, Paringin"),
    _org("Perkumpulan Forum Wartawan Balangan", "0612847390734000",
         "Jl. Murakata No. 9, Paringin"),
)


@dataclass(frozen=True, slots=True)
class Termin:
    """One termin of a media contract: delivered (BAST), then SPM and SP2D (their numbers)."""

    bast: date
    spm: date
    sp2d: date
    gross: int
    numbers: tuple[int, int]


@dataclass(frozen=True, slots=True)
class Contract:
    """The SPK the Kadis signs at approval, and what has been paid and reported since.
    ``end`` None: the contract runs past the demo's today. ``final``: the last termin is the
    final one (state paid); ``evaluation``: the final report is in (state reported)."""

    spk: int
    spk_date: date
    start: date
    end: date | None
    amount: int
    termins: tuple[Termin, ...] = ()
    final: bool = False
    evaluation: str = ""


@dataclass(frozen=True, slots=True)
class Outlet:
    """A media application. ``target``: how far it goes (submitted, returned, reviewed,
    rejected, withdrawn; ``contract``: as far as its contract); ``reason``: of that return,
    rejection or withdrawal; ``tms``: a document found TMS, with why; ``applied``: the paper
    submission date of a case entered late; ``skip``: documents not handed in yet;
    ``checked``: whether an officer has checked them; ``ba``: factual verification by BA
    rather than a site-visit note."""

    media: str
    media_type: str
    status: str
    proposed: int
    company: str
    target: str = "contract"
    reason: str = ""
    tms: tuple[str, str] | None = None
    applied: date | None = None
    contract: Contract | None = None
    skip: tuple[str, ...] = ()
    checked: bool = True
    ba: bool = False


OUTLETS = (
    Outlet("Balangan Pos", "print", "factual", 48_000_000, "PT Balangan Media Utama",
           applied=date(2026, 2, 16), contract=Contract(
               14, date(2026, 3, 2), date(2026, 3, 2), date(2026, 8, 31), 48_000_000, (
                   Termin(date(2026, 6, 1), date(2026, 6, 4), date(2026, 6, 8), 24_000_000,
                          (211, 1843)),
                   Termin(date(2026, 9, 1), date(2026, 9, 7), date(2026, 9, 9), 24_000_000,
                          (402, 3517))),
               final=True, evaluation="Seluruh 24 edisi memuat rilis Pemkab sesuai SPK; "
               "kliping lengkap. Layak dipertimbangkan untuk TA 2027.")),
    Outlet("Paringin Today", "online", "factual", 49_950_000, "PT Paringin Kreasi Digital",
           applied=date(2026, 2, 17), contract=Contract(
               15, date(2026, 3, 2), date(2026, 3, 2), None, 49_950_000, (
                   Termin(date(2026, 6, 30), date(2026, 7, 3), date(2026, 7, 7), 16_650_000,
                          (238, 2130)),
                   Termin(date(2026, 9, 30), date(2026, 10, 5), date(2026, 10, 7), 16_650_000,
                          (455, 3986))))),
    Outlet("Radio Suara Balangan", "radio", "administrative", 30_000_000,
           "PT Radio Suara Balangan", applied=date(2026, 2, 18), contract=Contract(
               19, date(2026, 3, 30), date(2026, 4, 1), date(2026, 9, 30), 30_000_000, (
                   Termin(date(2026, 10, 1), date(2026, 10, 5), date(2026, 10, 8), 30_000_000,
                          (461, 4022)),), final=True)),
    Outlet("Tebing Tinggi Pos", "online", "factual", 40_000_000, "PT Tebing Tinggi Pers",
           applied=date(2026, 9, 21), contract=Contract(
               47, date(2026, 10, 26), date(2026, 11, 2), None, 36_000_000)),
    Outlet("Kalsel Satu", "online", "factual", 45_000_000, "PT Kalsel Satu Media",
           "reviewed", ba=True),
    Outlet("Banua Enam News", "online", "administrative", 32_000_000,
           "PT Banua Enam Informasi", "reviewed"),
    Outlet("Lampihong Daily", "online", "in_process", 15_000_000, "PT Lampihong Kabar",
           "rejected", "Baru terbit empat bulan dan belum terbit rutin; ajukan kembali "
           "pada TA 2027 setelah terdata di Dewan Pers"),
    Outlet("Awayan FM", "radio", "administrative", 25_000_000, "PT Awayan Swara", "returned",
           "Perbaiki NIB (KBLI 60102) lalu serahkan kembali",
           tms=("nib", "NIB belum mencantumkan KBLI 60102 (radio swasta)")),
    Outlet("Batumandi Ekspres", "print", "administrative", 28_000_000, "PT Batumandi Ekspres",
           "withdrawn", "Perusahaan mengundurkan diri (surat direktur)"),
    Outlet("Tabloid Juai", "print", "in_process", 15_000_000, "PT Juai Pers Mandiri",
           "submitted", checked=False),
    # Not yet registered with the Dewan Pers: the review is refused (not eligible).
    Outlet("Halong Online", "online", "none", 12_000_000, "PT Halong Warta Digital",
           "submitted"),
    Outlet("Juai Raya TV", "tv", "administrative", 35_000_000, "PT Juai Raya Televisi",
           "submitted", skip=("ipp",)),
)

# Applications that arrived on paper and are entered late, with their real submission date
# (8 working days back): their review is already overdue, so reminders have work to do.
PAPER_OUTLETS = (
    ("Warta Paringin", "online", "administrative", 20_000_000, "PT Warta Paringin Media"),
    ("Suara Halong", "print", "in_process", 15_000_000, "PT Suara Halong Mandiri"),
)
PAPER_DELAY_WORKING_DAYS = 8
# A case's title says what is bought; lists show the media's name beside it.
MEDIA_TITLES = {
    "print": "Publikasi berita dan advertorial Pemkab TA 2026",
    "online": "Publikasi berita daring Pemkab TA 2026",
    "radio": "Siaran berita dan iklan layanan masyarakat TA 2026",
    "tv": "Tayangan berita dan iklan layanan masyarakat TA 2026",
}


@dataclass(frozen=True, slots=True)
class Grant:
    """A grant's disbursement under a Keputusan Bupati, as far as its data goes: reviewed;
    approved under ``nphd`` (number, date); paid (SPM and SP2D numbers and dates); its LPJ
    received (``spent``, and the STS date when less was spent than paid)."""

    party: str
    chair: str
    year: int
    keputusan: tuple[str, date]
    amount: int
    purpose: str
    applied: date | None = None
    nphd: tuple[str, date] | None = None
    paid: tuple[int, date, int, date] | None = None
    spent: int | None = None
    refunded_on: date | None = None


PWI = "PWI Kabupaten Balangan"
GRANTS = (
    # Last year's grant, LPJ received: this year's PWI case shows the previous-year warning,
    # and no overdue LPJ blocks its approval.
    Grant(PWI, "Akhmad Rifani", 2025, ("188.45/031/2025", date(2025, 1, 13)), 125_000_000,
          "Pembinaan wartawan dan uji kompetensi wartawan 2025", applied=date(2025, 1, 20),
          nphd=("900.1.3/009/NPHD-DISKOMINFO/2025", date(2025, 2, 17)),
          paid=(96, date(2025, 2, 24), 412, date(2025, 2, 27)), spent=125_000_000),
    # Waits for the Kadis; its NPHD is signed and checked, so the Kadis can approve it.
    Grant(PWI, "Akhmad Rifani", 2026, ("188.45/045/2026", date(2026, 1, 12)), 150_000_000,
          "Pembinaan wartawan, uji kompetensi wartawan dan peringatan HPN 2026"),
    # The same Keputusan names a second recipient; its LPJ came back with an STS.
    Grant("Perkumpulan Forum Wartawan Balangan", "Norhasanah", 2026,
          ("188.45/045/2026", date(2026, 1, 12)), 75_000_000,
          "Pelatihan jurnalistik bagi wartawan muda Balangan", applied=date(2026, 2, 9),
          nphd=("900.1.3/014/NPHD-DISKOMINFO/2026", date(2026, 2, 16)),
          paid=(142, date(2026, 2, 25), 688, date(2026, 3, 2)), spent=71_350_000,
          refunded_on=date(2026, 11, 13)),
)

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
# Taxes the treasurer withholds from a termin: PPh 23, 2% of the DPP (space or time in mass
# media, PMK 141/2015); PPN from a PKP, 12% of a "DPP nilai lain" of 11/12 (PMK 131/2024).
PPH23_PERCENT = 2
PPN_PERCENT = 11
