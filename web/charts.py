"""Charts drawn on the server as SVG: horizontal bars with their labels and values.

No JavaScript and no chart library: a page embeds the figure as markup. Each chart is built
to be read by everyone (issue 15):

- a screen reader meets ``role="img"`` named by the chart's ``<title>`` and described by its
  ``<desc>``, and the same numbers in a real HTML table beside it (:func:`figure`), visible
  or visually hidden (the ``sr`` class), so nobody has to read numbers off a picture;
- on a phone the ``viewBox`` scales the drawing to the width of the screen (``width`` 100 %),
  the text with it; in print every bar carries its value as text and an outline, so it
  reads without colour (``berkas.css``, ``@media print``).

:func:`mini_bars` draws the small bars inside a table's row, beside the numbers they repeat:
they are decoration there (``aria-hidden``), the row already says the numbers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

WIDTH = 360  # the viewBox's width: drawn at its container's, text near 12 px on a phone
ROW = 26  # height of one bar's row
BAR = 16  # height of a bar
PAD = 6
FONT = 12
CHAR = 6.6  # the average advance of a 12 px sans-serif character, to size the columns
LABEL_MIN, LABEL_MAX = 50, 150
VALUE_MIN, VALUE_MAX = 30, 120
FILL = "#0b5394"  # a bar's colour when no stylesheet says otherwise

_IDENT = re.compile(r"[a-z][a-z0-9-]{0,63}")


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its ``label``, its ``value`` (the length), the value as people read it
    (``shown``: ``Rp600.000.000``, ``3,5``), and a ``tone`` (a class, for its colour)."""

    label: str
    value: float
    shown: str
    tone: str = ""


def scale_of(bars: Sequence[Bar]) -> float:
    """The value a full-length bar stands for: the largest, or 1 when none is positive."""
    return max((b.value for b in bars if b.value > 0), default=1.0)


def _ident(ident: str) -> str:
    """``ident`` names the title and description elements, unique on the page: refused
    unless it is a plain lowercase name (it goes into attributes and id references)."""
    if not _IDENT.fullmatch(ident):
        raise ValueError(f"chart ident must be a lowercase name, not {ident!r}")
    return ident


def _column(texts: Sequence[str], low: int, high: int) -> float:
    widest = max((len(t) for t in texts), default=0)
    return min(max(widest * CHAR + 2 * PAD, low), high)


def _fit(text: str, width: float) -> str:
    """``text`` cut to what ``width`` holds, with an ellipsis when cut."""
    room = max(int((width - 2 * PAD) / CHAR), 1)
    return text if len(text) <= room else text[: room - 1] + "…"


def bar_chart(bars: Sequence[Bar], *, ident: str, title: str, desc: str,
              scale: float | None = None) -> Markup:
    """The bars as one SVG figure: labels on the left, each bar with its value after it.

    ``scale``: the value of a full-length bar; give the same one to charts that are to be
    compared (by default the largest value here). A bar of no or negative value is drawn
    with no length, its value still written. Every text is escaped (``Markup.format``)."""
    ident = _ident(ident)
    full = scale if scale is not None and scale > 0 else scale_of(bars)
    label_w = _column([b.label for b in bars], LABEL_MIN, LABEL_MAX)
    value_w = _column([b.shown for b in bars], VALUE_MIN, VALUE_MAX)
    area = WIDTH - label_w - value_w
    height = max(len(bars), 1) * ROW + 2 * PAD
    parts = [Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="100%" '
        'viewBox="0 0 {width} {height}" preserveAspectRatio="xMinYMin meet" '
        'font-size="{font}" aria-labelledby="{ident}-title {ident}-desc">'
        '<title id="{ident}-title">{title}</title><desc id="{ident}-desc">{desc}</desc>'
    ).format(width=WIDTH, height=height, font=FONT, ident=ident, title=title, desc=desc)]
    if not bars:
        parts.append(Markup('<text class="empty" x="{x}" y="{y:.0f}">Tidak ada data</text>')
                     .format(x=PAD, y=PAD + ROW / 2 + 4))
    for row, bar in enumerate(bars):
        parts.append(_bar(bar, PAD + row * ROW, label_w, area * min(max(bar.value, 0) / full,
                                                                    1.0)))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def _bar(bar: Bar, top: float, label_w: float, length: float) -> Markup:
    """One bar's row: its label (cut to its column, whole in a tooltip), bar and value."""
    label = _fit(bar.label, label_w)
    tip = Markup("<title>{}</title>").format(bar.label) if label != bar.label else Markup("")
    return Markup(
        '<g class="bar{tone}">{tip}'
        '<text class="label" x="{label_x:.1f}" y="{baseline:.1f}" text-anchor="end">{label}'
        '</text><rect x="{x:.1f}" y="{y:.1f}" width="{length:.1f}" height="{bar_h}" '
        'fill="{fill}" stroke="#1d2530" stroke-width="0.5"/>'
        '<text class="value" x="{value_x:.1f}" y="{baseline:.1f}">{shown}</text></g>'
    ).format(tone=f" tone-{bar.tone}" if bar.tone else "", tip=tip, label_x=label_w - PAD,
             baseline=top + ROW / 2 + FONT / 3, label=label, x=label_w,
             y=top + (ROW - BAR) / 2, length=length, bar_h=BAR, fill=FILL,
             value_x=label_w + length + PAD, shown=bar.shown)


def data_table(bars: Sequence[Bar], *, caption: str, label_header: str, value_header: str,
               hidden: bool = False, caption_hidden: bool = False) -> Markup:
    """The chart's numbers as a table (``hidden``: read by screen readers only;
    ``caption_hidden``: only its caption, where a figure's caption already shows it)."""
    rows = Markup("").join(
        Markup('<tr><th scope="row">{}</th><td class="num">{}</td></tr>').format(
            b.label, b.shown) for b in bars)
    return Markup(
        '<table class="chart-data{hidden}"><caption{caption_class}>{caption}</caption><thead><tr>'
        '<th scope="col">{label_header}</th><th scope="col" class="num">{value_header}</th>'
        "</tr></thead><tbody>{rows}</tbody></table>"
    ).format(hidden=" sr" if hidden else "", caption=caption, label_header=label_header,
             caption_class=Markup(' class="sr"') if caption_hidden and not hidden else "",
             value_header=value_header, rows=rows)


def figure(bars: Sequence[Bar], *, ident: str, title: str, desc: str, label_header: str,
           value_header: str, table_hidden: bool = False, scale: float | None = None
           ) -> Markup:
    """A chart and its numbers together: the SVG, its caption, and the table of the same
    numbers (visible, or for screen readers only). The caption is shown once, by the figure;
    screen readers hear it from the chart's title and the table's caption."""
    chart = bar_chart(bars, ident=ident, title=title, desc=desc, scale=scale)
    table = data_table(bars, caption=title, label_header=label_header,
                       value_header=value_header, hidden=table_hidden, caption_hidden=True)
    return Markup('<figure class="chart-figure" id="{ident}"><figcaption aria-hidden="true">'
                  "{title}</figcaption>{chart}{table}</figure>").format(
        ident=ident, chart=chart, title=title, table=table)


MINI_W, MINI_H = 120, 14


def mini_bars(values: Sequence[float | None], scale: float, *, tones: Sequence[str] = ()
              ) -> Markup:
    """Small bars, one above the other, for a table's cell whose row says the numbers:
    hidden from screen readers, which read the row. ``None`` draws nothing in its place."""
    height = MINI_H / max(len(values), 1)
    full = scale if scale > 0 else 1.0
    parts = [Markup('<svg xmlns="http://www.w3.org/2000/svg" class="mini" aria-hidden="true" '
                    'focusable="false" viewBox="0 0 {w} {h}" width="100%" '
                    'preserveAspectRatio="none">').format(w=MINI_W, h=MINI_H)]
    for row, value in enumerate(values):
        if value is None:
            continue
        parts.append(Markup(
            '<rect class="{tone}" x="0" y="{y:.1f}" width="{length:.1f}" height="{h:.1f}" '
            'fill="{fill}"/>'
        ).format(tone=f"tone-{tones[row]}" if row < len(tones) else "", y=row * height + 1,
                 length=MINI_W * min(max(value, 0) / full, 1.0), h=max(height - 2, 1),
                 fill=FILL))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)
