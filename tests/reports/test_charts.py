"""The server-made SVG charts: well-formed, named and described for screen readers, the same
numbers in a table beside them, scaled to a phone, every text escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tests.reports.markup import SVG, parse
from web.charts import Bar, bar_chart, data_table, figure, mini_bars

BARS = [Bar("Pagu", 600_000_000, "Rp600.000.000", "pagu"),
        Bar("Terikat", 150_000_000, "Rp150.000.000", "committed"),
        Bar("Sisa", 450_000_000, "Rp450.000.000", "remaining")]


def _rects(svg: ET.Element) -> list[ET.Element]:
    return list(svg.iter(f"{SVG}rect"))


def test_a_bar_chart_is_well_formed_svg_named_by_its_title_and_desc() -> None:
    svg = parse(str(bar_chart(BARS, ident="uang", title="Anggaran TA 2026",
                              desc="Pagu Rp600.000.000")))
    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "uang-title uang-desc"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title is not None
    assert title.get("id") == "uang-title"
    assert title.text == "Anggaran TA 2026"
    assert desc is not None
    assert desc.get("id") == "uang-desc"
    assert desc.text == "Pagu Rp600.000.000"


def test_a_bar_chart_scales_to_its_container_by_its_viewbox() -> None:
    svg = parse(str(bar_chart(BARS, ident="uang", title="t", desc="d")))
    assert svg.get("width") == "100%"
    assert svg.get("height") is None
    width, height = (float(n) for n in (svg.get("viewBox") or "").split()[2:])
    assert width == 360
    assert height == 3 * 26 + 2 * 6


def test_each_bar_is_as_long_as_its_value_and_writes_it_beside_itself() -> None:
    svg = parse(str(bar_chart(BARS, ident="uang", title="t", desc="d")))
    widths = [float(r.get("width") or 0) for r in _rects(svg)]
    assert widths[0] > 0
    assert widths[1] == pytest.approx(widths[0] / 4, abs=0.2)
    assert widths[2] == pytest.approx(widths[0] * 3 / 4, abs=0.2)
    texts = ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]
    assert texts == ["Pagu", "Rp600.000.000", "Terikat", "Rp150.000.000", "Sisa",
                     "Rp450.000.000"]
    assert [g.get("class") for g in svg.iter(f"{SVG}g")] == [
        "bar tone-pagu", "bar tone-committed", "bar tone-remaining"]


def test_charts_given_one_scale_can_be_compared() -> None:
    small = parse(str(bar_chart([Bar("Pagu", 100, "100")], ident="a", title="t",
                                desc="d", scale=400)))
    large = parse(str(bar_chart([Bar("Pagu", 400, "400")], ident="b", title="t",
                                desc="d", scale=400)))
    small_w, large_w = (float(_rects(s)[0].get("width") or 0) for s in (small, large))
    assert small_w == pytest.approx(large_w / 4, abs=0.2)


def test_a_bar_of_no_or_negative_value_has_no_length_but_keeps_its_value() -> None:
    svg = parse(str(bar_chart([Bar("Sisa", -5_000_000, "-Rp5.000.000"),
                               Bar("Nol", 0, "Rp0")], ident="x", title="t",
                              desc="d")))
    assert [float(r.get("width") or 1) for r in _rects(svg)] == [0.0, 0.0]
    assert "-Rp5.000.000" in ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]


def test_an_empty_chart_says_so() -> None:
    svg = parse(str(bar_chart([], ident="x", title="t", desc="d")))
    assert "Tidak ada data" in "".join(svg.itertext())
    assert _rects(svg) == []


def test_every_text_is_escaped_and_a_long_label_is_cut_with_its_whole_in_a_tooltip() -> None:
    label = "Dikembalikan <STS> & disetor ke Kas Daerah pada akhir tahun anggaran"
    markup = str(bar_chart([Bar(label, 1, "<1>")], ident="x", title="A & <B>", desc="\"d\"'"))
    svg = parse(markup)  # would raise on a bare < or &
    assert "<STS>" not in markup
    title = svg.find(f"{SVG}title")
    assert title is not None
    assert title.text == "A & <B>"
    group = svg.find(f"{SVG}g")
    assert group is not None
    tip = group.find(f"{SVG}title")
    assert tip is not None
    assert tip.text == label
    shown = "".join(next(group.iter(f"{SVG}text")).itertext())
    assert shown.endswith("…")
    assert label.startswith(shown[:-1])


@pytest.mark.parametrize("ident", ["", "Uang", "uang tahun", 'a"b', "1abc", "a_b"])
def test_an_ident_that_is_not_a_plain_name_is_refused(ident: str) -> None:
    with pytest.raises(ValueError, match="ident"):
        bar_chart(BARS, ident=ident, title="t", desc="d")


def test_the_data_table_holds_every_label_and_number_and_may_be_for_screen_readers_only(
) -> None:
    table = parse(str(data_table(BARS, caption="Anggaran", label_header="Uraian",
                                 value_header="Nilai", hidden=True)))
    assert table.get("class") == "chart-data sr"
    caption = table.find("caption")
    assert caption is not None
    assert caption.text == "Anggaran"
    rows = [("".join(tr[0].itertext()), "".join(tr[1].itertext()))
            for tr in table.iter("tr") if tr[0].get("scope") == "row"]
    assert rows == [(b.label, b.shown) for b in BARS]
    visible = parse(str(data_table(BARS, caption="c", label_header="l",
                                   value_header="v")))
    assert visible.get("class") == "chart-data"


def test_a_figure_puts_the_chart_its_caption_and_its_table_together() -> None:
    fig = parse(str(figure(BARS, ident="uang-2026", title="Anggaran TA 2026",
                           desc="d", label_header="Uraian", value_header="Nilai")))
    assert fig.tag == "figure"
    assert fig.get("id") == "uang-2026"
    assert [child.tag for child in fig] == ["figcaption", f"{SVG}svg", "table"]
    caption = fig.find("table/caption")
    assert caption is not None
    assert caption.get("class") == "sr"  # shown once, by the figure
    assert caption.text == "Anggaran TA 2026"
    cells = ["".join(td.itertext()) for td in fig.iter("td")]
    assert cells == ["Rp600.000.000", "Rp150.000.000", "Rp450.000.000"]


def test_mini_bars_are_decoration_hidden_from_screen_readers() -> None:
    svg = parse(str(mini_bars([2.0, None, 8.0], 8.0, tones=("median", "x", "p90"))))
    assert svg.get("aria-hidden") == "true"
    assert svg.get("role") is None
    rects = _rects(svg)
    assert [r.get("class") for r in rects] == ["tone-median", "tone-p90"]
    assert [float(r.get("width") or 0) for r in rects] == [30.0, 120.0]
