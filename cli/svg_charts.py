"""The report's two charts as inline SVG: the portfolio timeline and the fiscal-year cash flow.

Plain SVG text, no script and no external resource, so the page opens from a USB stick and prints.
Kinds are told apart by pattern and outline as well as colour, so they survive a black-and-white printer.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html import escape
from typing import Sequence

from contracts.report import Bar, TimelineRow, YearFlow

from . import i18n

WIDTH = 1000
LABEL_WIDTH = 190
ROW_HEIGHT = 34
AXIS_HEIGHT = 28

# kind -> (fill, stroke, legend text)
BAR_STYLES = {
    "billing": ("#2b6cb0", "#1a365d", "billing period"),
    "service": ("url(#hatch-service)", "#2b6cb0", "service without billing"),
    "transition": ("url(#hatch-transition)", "#c05621", "transition"),
    "suspended": ("url(#hatch-suspended)", "#4a5568", "suspended"),
    "gap": ("#fff5f5", "#c53030", "gap"),
}
MARKS = {"awarded": ("#2f855a", "tender awarded"), "failed": ("#c53030", "tender failed"),
         "pending": ("#b7791f", "tender pending"), "cancelled": ("#718096", "tender cancelled")}

PATTERNS = """<defs>
<pattern id="hatch-service" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
<rect width="6" height="6" fill="#bee3f8"/><line x1="0" y1="0" x2="0" y2="6" stroke="#2b6cb0" stroke-width="2"/></pattern>
<pattern id="hatch-transition" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)">
<rect width="6" height="6" fill="#feebc8"/><line x1="0" y1="0" x2="0" y2="6" stroke="#c05621" stroke-width="2"/></pattern>
<pattern id="hatch-suspended" width="5" height="5" patternUnits="userSpaceOnUse">
<rect width="5" height="5" fill="#e2e8f0"/><circle cx="2.5" cy="2.5" r="1.2" fill="#4a5568"/></pattern>
</defs>"""


def _mark(outcome: str, x: float, y: float, size: float = 6) -> str:
    """A tender's symbol: a filled circle (awarded), a cross (failed), a diamond (pending), a square (cancelled)."""
    colour = MARKS.get(outcome, MARKS["pending"])[0]
    if outcome == "awarded":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size * 0.8:.1f}" fill="{colour}" stroke="#fff"/>'
    if outcome == "failed":
        d = size * 0.8
        return (f'<path d="M{x - d:.1f} {y - d:.1f} L{x + d:.1f} {y + d:.1f} M{x - d:.1f} {y + d:.1f} L{x + d:.1f} {y - d:.1f}" '
                f'stroke="{colour}" stroke-width="2.5"/>')
    if outcome == "cancelled":
        return f'<rect x="{x - size * 0.7:.1f}" y="{y - size * 0.7:.1f}" width="{size * 1.4:.1f}" height="{size * 1.4:.1f}" fill="{colour}"/>'
    return (f'<path d="M{x:.1f} {y - size:.1f} L{x + size:.1f} {y:.1f} L{x:.1f} {y + size:.1f} L{x - size:.1f} {y:.1f} Z" '
            f'fill="{colour}"/>')


def timeline_svg(rows: Sequence[TimelineRow], window: tuple[dt.date, dt.date], as_of: dt.date) -> str:
    first, last = window
    span = max((last - first).days, 1)
    plot = WIDTH - LABEL_WIDTH - 10

    def x(day: dt.date) -> float:
        day = min(max(day, first), last)
        return LABEL_WIDTH + plot * (day - first).days / span

    legend, legend_height = _timeline_legend(AXIS_HEIGHT + ROW_HEIGHT * len(rows) + 36)
    height = AXIS_HEIGHT + ROW_HEIGHT * max(len(rows), 1) + 26 + legend_height
    out = [f'<svg class="chart timeline" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
           f'aria-label="{escape(i18n.t("Portfolio timeline"))}" xmlns="http://www.w3.org/2000/svg" font-size="12">', PATTERNS]
    for year in range(first.year, last.year + 1):  # year ticks and grid
        day = dt.date(year, 1, 1)
        if first <= day <= last:
            out.append(f'<line x1="{x(day):.1f}" y1="{AXIS_HEIGHT - 6}" x2="{x(day):.1f}" '
                       f'y2="{AXIS_HEIGHT + ROW_HEIGHT * len(rows)}" stroke="#cbd5e0" stroke-width="1"/>')
            if day < last:
                out.append(f'<text x="{x(day) + 3:.1f}" y="{AXIS_HEIGHT - 10}" fill="#2d3748">{year}</text>')
    for index, row in enumerate(rows):
        top = AXIS_HEIGHT + ROW_HEIGHT * index
        if index % 2:
            out.append(f'<rect x="0" y="{top}" width="{WIDTH}" height="{ROW_HEIGHT}" fill="#f7fafc"/>')
        out.append(f'<text x="4" y="{top + 14}" font-weight="bold" fill="#1a202c">{escape(row.line)}</text>'
                   f'<text x="4" y="{top + 28}" font-size="10" fill="#4a5568">{escape(i18n.value(row.state))}</text>')
        for bar in row.bars:
            out.append(_bar(bar, x, top))
        undated = [mark for mark in row.marks if mark.day is None]
        for n, mark in enumerate(undated):  # dates unknown: listed beside the label, never placed on a guessed day
            cx = LABEL_WIDTH - 12 - 14 * (len(undated) - 1 - n)
            out.append(f'<g><title>{escape(_mark_words(mark))} ({escape(i18n.t("undated tenders"))})</title>'
                       f'{_mark(mark.outcome, cx, top + 24, 5)}</g>')
        for mark in row.marks:
            if mark.day is not None and first <= mark.day <= last:
                out.append(f'<g><title>{escape(_mark_words(mark))} {escape(_day(mark.day))}</title>'
                           f'{_mark(mark.outcome, x(mark.day), top + 8)}</g>')
    bottom = AXIS_HEIGHT + ROW_HEIGHT * len(rows)
    if first <= as_of <= last:
        out.append(f'<line x1="{x(as_of):.1f}" y1="{AXIS_HEIGHT - 4}" x2="{x(as_of):.1f}" y2="{bottom}" stroke="#e53e3e" '
                   f'stroke-width="2" stroke-dasharray="5 3"/>'
                   f'<text x="{x(as_of) + 4:.1f}" y="{bottom + 14}" fill="#c53030" font-weight="bold">'
                   f'{escape(i18n.t("as of"))} {as_of.isoformat()}</text>')
    out.append(legend)
    out.append("</svg>")
    return "\n".join(out)


def _bar(bar: Bar, x, top: int) -> str:
    fill, stroke, name = BAR_STYLES[bar.kind]
    left, right = x(bar.start), x(bar.end)
    width = max(right - left, 2.0)
    dash = ' stroke-dasharray="4 2"' if bar.kind == "gap" else ""
    tip = _bar_words(bar, name)
    parts = [f'<g class="bar {bar.kind}"><title>{escape(tip)}</title>'
             f'<rect x="{left:.1f}" y="{top + 8}" width="{width:.1f}" height="{ROW_HEIGHT - 16}" fill="{fill}" '
             f'stroke="{stroke}" stroke-width="1"{dash}/>']
    if bar.open_ended:  # still running: an arrow at the end
        parts.append(f'<path d="M{right:.1f} {top + 8} l8 {(ROW_HEIGHT - 16) / 2:.1f} l-8 {(ROW_HEIGHT - 16) / 2:.1f} Z" fill="{stroke}"/>')
    if bar.kind == "billing" and width > 7 * len(bar.label) + 6:
        parts.append(f'<text x="{left + 4:.1f}" y="{top + ROW_HEIGHT / 2 + 4:.1f}" fill="#fff" font-size="11">{escape(bar.label)}</text>')
    parts.append("</g>")
    return "".join(parts)


def text_width(text: str, size: float = 12) -> float:
    """About how wide a text is drawn in a sans-serif font: a Chinese character is a full em, Latin ones ~0.6 em."""
    return sum(size if ord(ch) > 0x2E7F else size * 0.62 for ch in text)


def _wrapped(items: list[tuple[float, str]], y: float, left: float = 10.0) -> tuple[str, float]:
    """Legend items (width, drawing at x=0) laid out left to right, wrapping onto a new line inside the drawing."""
    out, cursor, line = [], left, 0
    for width, drawn in items:
        if cursor + width > WIDTH - 10 and cursor > left:
            cursor, line = left, line + 1
        out.append(f'<g transform="translate({cursor:.1f} {y + line * LEGEND_LINE:.1f})">{drawn}</g>')
        cursor += width + 18
    return "".join(out), (line + 1) * LEGEND_LINE


LEGEND_LINE = 20


def _timeline_legend(y: float) -> tuple[str, float]:
    """The legend, in the chosen language, on as many lines as it needs: every item inside the drawing."""
    items = []
    for kind, (fill, stroke, name) in BAR_STYLES.items():
        text = i18n.t(name)
        items.append((27 + text_width(text), f'<rect x="0" y="-10" width="22" height="12" fill="{fill}" stroke="{stroke}"/>'
                                             f'<text x="27" y="0">{escape(text)}</text>'))
    for outcome, (_, name) in MARKS.items():
        text = i18n.t(name)
        items.append((16 + text_width(text), _mark(outcome, 6, -4) + f'<text x="16" y="0">{escape(text)}</text>'))
    drawn, height = _wrapped(items, y)
    return f'<g class="legend">{drawn}</g>', height


def _day(day: dt.date) -> str:
    """A day in a tooltip: ISO in English, 2024年3月30日 in Chinese."""
    from .prose import chinese_date

    return chinese_date(day.isoformat()) if i18n.language() == "zh" else day.isoformat()


def _bar_words(bar: Bar, name: str) -> str:
    """A bar's tooltip: what it is and its first and last day (the end of a period is exclusive: the last day shown
    is the day before it), each said once."""
    from .prose import sentence

    first, last = _day(bar.start), _day(bar.end - dt.timedelta(days=1))
    until = f" – {last}" if not bar.open_ended else " – …"
    if bar.kind in ("transition", "suspended") and bar.label:
        return sentence(bar.label) + until  # "suspended from 2024-04-01": the start is in the words already
    label = sentence(bar.label) if bar.label else ""
    return f"{i18n.t(name)}: {label + ', ' if label else ''}{first}{until}"


def _mark_words(mark) -> str:
    """A tender's tooltip: method, outcome and ground, in the chosen language."""
    words, _, ground = mark.label.partition(": ")
    method, _, outcome = words.partition(" ")
    if i18n.language() != "zh":
        return mark.label
    return f"{i18n.value(method)}{i18n.value(outcome)}" + (f"：{i18n.value(ground)}" if ground else "")


FLOW_SERIES = (("obligations", "#2c5282", "obligations"), ("budget", "#38a169", "adjusted budget"),
               ("paid", "#dd6b20", "payments"))


def _nice_step(top: Decimal) -> Decimal:
    """A round step for about five gridlines (1, 2 or 5 times a power of ten)."""
    raw = top / 5 if top > 0 else Decimal(1)
    power = Decimal(10) ** (len(str(int(raw))) - 1) if raw >= 1 else Decimal(1)
    for factor in (1, 2, 5, 10):
        if power * factor >= raw:
            return power * factor
    return power * 10


def cashflow_svg(flows: Sequence[YearFlow]) -> str:
    height, left, bottom_pad, top_pad = 330, 90, 50, 30
    plot_h = height - bottom_pad - top_pad
    values = [i18n.in_unit(getattr(f, key)) for f in flows for key, _, _ in FLOW_SERIES if getattr(f, key) is not None]
    top = max(values + [Decimal(1)])
    step = _nice_step(top)
    ceiling = step * (int(top / step) + (0 if top % step == 0 else 1))
    out = [f'<svg class="chart cashflow" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
           f'aria-label="{escape(i18n.t("Fiscal-year cash flow"))}" xmlns="http://www.w3.org/2000/svg" font-size="12">']

    def y(amount: Decimal) -> float:
        return top_pad + plot_h - float(amount / ceiling) * plot_h

    tick = Decimal(0)
    while tick <= ceiling:
        out.append(f'<line x1="{left}" y1="{y(tick):.1f}" x2="{WIDTH - 10}" y2="{y(tick):.1f}" stroke="#e2e8f0"/>'
                   f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" fill="#4a5568">{tick:,.0f}</text>')
        tick += step
    out.append(f'<text x="8" y="12" fill="#4a5568">{escape(i18n.unit_name())}</text>')
    slot = (WIDTH - left - 20) / max(len(flows), 1)
    bar_w = min(slot / 4, 40)
    for index, flow in enumerate(flows):
        centre = left + slot * index + slot / 2
        for n, (key, colour, name) in enumerate(FLOW_SERIES):
            amount = getattr(flow, key)
            bx = centre + (n - 1.5) * bar_w + bar_w * 0.1 * (n - 1)
            if amount is None:  # never a bar of 0.00 for what is not known
                words = i18n.t("no budget recorded") if key == "budget" else i18n.t("not recorded")
                out.append(f'<text x="{bx + bar_w / 2:.1f}" y="{y(Decimal(0)) - 4:.1f}" font-size="9" text-anchor="start" '
                           f'fill="#718096" transform="rotate(-90 {bx + bar_w / 2:.1f} {y(Decimal(0)) - 4:.1f})">'
                           f'{escape(words)}</text>')
                continue
            value = i18n.in_unit(amount)
            out.append(f'<g class="flow {key}"><title>{flow.year} {escape(i18n.t(name))}: {escape(i18n.shown_amount(amount))} '
                       f'{escape(i18n.unit_name())}</title><rect x="{bx:.1f}" y="{y(value):.1f}" width="{bar_w:.1f}" '
                       f'height="{max(y(Decimal(0)) - y(value), 0):.1f}" fill="{colour}" stroke="#1a202c" stroke-width="0.5"/></g>')
        out.append(f'<text x="{centre:.1f}" y="{height - bottom_pad + 18}" text-anchor="middle" font-weight="bold">{flow.year}</text>')
    items = [(19 + text_width(i18n.t(name)), f'<rect x="0" y="-10" width="14" height="12" fill="{colour}"/>'
                                            f'<text x="19" y="0">{escape(i18n.t(name))}</text>') for _, colour, name in FLOW_SERIES]
    drawn, _ = _wrapped(items, height - 8, left)
    out.append(f'<g class="legend">{drawn}</g>')
    out.append("</svg>")
    return "\n".join(out)
