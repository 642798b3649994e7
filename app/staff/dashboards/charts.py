"""Charts drawn on the server as inline SVG: no script, no CDN, nothing to load.

Each chart is an image with a name (`role="img"`, `<title>` and `<desc>` joined by `aria-labelledby`); its numbers
are in the table the page puts beside it, for screen readers and for copying. The viewBox is 360 units wide and the
SVG takes the width of its box, so a chart fits a 360 px phone and grows on a desk; text stays at least ~12 px there.
Colours reach 3:1 against the white background the chart draws itself (it does not depend on the page's theme), text
4.5:1; stacked parts are also told apart by the legend and the table, never by colour alone. Labels and numbers come
in formatted (`formats.Formats`): these functions only draw.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

WIDTH = 360
PAD = 8
FONT = 14
INK = "#1b1b1b"  # 17:1 on white
MUTED = "#4d4d4d"  # 8:1
BACKGROUND = "#ffffff"
BLUE = "#1f5f8b"  # 6.6:1
ORANGE = "#a34f00"  # 5.6:1
GREEN = "#2f6f4e"  # 6.2:1
GREY = "#5f6368"  # 6.0:1
PALE = "#e6ebef"  # a "free" part: pale, outlined in GREY
LABEL_CHARS = 42  # longer labels are cut with "…" (the table has them whole)


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | float
    text: str  # the value as shown, formatted for the viewer


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    outline: bool = False


@dataclass(frozen=True)
class Stack:
    label: str
    values: Sequence[int]  # one per series
    text: str  # the row's figure as shown (e.g. "12 / 40")


def _fit(label: str, limit: int = LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _room(texts) -> float:
    """The bar length left once the widest figure fits after it (bold digits are about 0.62 em wide)."""
    widest = max((len(text) for text in texts), default=0)
    return WIDTH - 2 * PAD - 8 - widest * FONT * 0.62


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, content: str, *, anchor: str = "start", fill: str = INK, weight: str = "") -> str:
    bold = ' font-weight="600"' if weight else ""
    return (f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" fill="{fill}"{bold}>'
            f"{escape(content)}</text>")


def _rect(x: float, y: float, w: float, h: float, fill: str, *, stroke: str = "", tip: str = "") -> str:
    line = f' stroke="{stroke}" stroke-width="1"' if stroke else ""
    inner = f"<title>{escape(tip)}</title>" if tip else ""
    return (f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(max(w, 0))}" height="{_n(h)}" fill="{fill}"{line}>'
            f"{inner}</rect>")


def _svg(ident: str, title: str, desc: str, height: float, body: list[str]) -> Markup:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {_n(height)}" width="100%"'
            f' role="img" aria-labelledby="{ident}-title {ident}-desc" focusable="false"'
            f' font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-size="{FONT}">'
            f'<title id="{ident}-title">{escape(title)}</title><desc id="{ident}-desc">{escape(desc)}</desc>'
            f'<rect width="{WIDTH}" height="{_n(height)}" fill="{BACKGROUND}"/>')
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704 (every text above went through escape)


def bar_chart(ident: str, title: str, desc: str, bars: Sequence[Bar], colour: str = BLUE) -> Markup:
    """Horizontal bars, one per row: the label above its bar, the figure after it."""
    room = _room(bar.text for bar in bars)  # the figure fits after the longest bar
    top = max((bar.value for bar in bars), default=0) or 1
    row, body = 40, []
    for index, bar in enumerate(bars):
        y = PAD + index * row
        length = room * bar.value / top
        body.append(_text(PAD, y + 13, _fit(bar.label)))
        body.append(_rect(PAD, y + 18, length, 14, colour, tip=f"{bar.label}: {bar.text}"))
        body.append(_text(PAD + length + 6, y + 30, bar.text, weight="bold"))
    return _svg(ident, title, desc, 2 * PAD + max(len(bars), 1) * row, body)


def funnel_chart(ident: str, title: str, desc: str, stages: Sequence[Bar]) -> Markup:
    """A funnel: centred bars as wide as their share of the first stage, the stage and its figure above each."""
    room = WIDTH - 2 * PAD
    top = max((stage.value for stage in stages), default=0) or 1
    row, body = 42, []
    for index, stage in enumerate(stages):
        y = PAD + index * row
        length = max(room * stage.value / top, 2 if stage.value else 0)
        body.append(_text(PAD, y + 13, _fit(stage.label, 30)))
        body.append(_text(WIDTH - PAD, y + 13, stage.text, anchor="end", weight="bold"))
        body.append(_rect((WIDTH - length) / 2, y + 18, length, 16, BLUE, tip=f"{stage.label}: {stage.text}"))
    return _svg(ident, title, desc, 2 * PAD + max(len(stages), 1) * row, body)


def _legend(series: Sequence[Series], y: float) -> tuple[list[str], float]:
    """Two entries a line (a 360 px phone has room for no more); returns the parts and the height used."""
    body, per_line, step = [], 2, (WIDTH - 2 * PAD) / 2
    for index, entry in enumerate(series):
        x = PAD + (index % per_line) * step
        line_y = y + (index // per_line) * 20
        body.append(_rect(x, line_y + 2, 12, 12, entry.colour, stroke=GREY if entry.outline else ""))
        body.append(_text(x + 18, line_y + 13, _fit(entry.name, 22)))
    return body, ((len(series) + per_line - 1) // per_line) * 20 + 6


def stacked_chart(ident: str, title: str, desc: str, rows: Sequence[Stack], series: Sequence[Series]) -> Markup:
    """Horizontal stacked bars on one scale (a row of 40 stalls is twice as long as one of 20), a legend on top."""
    body, used = _legend(series, PAD)
    room = _room(stack.text for stack in rows)
    top = max((sum(stack.values) for stack in rows), default=0) or 1
    row = 40
    for index, stack in enumerate(rows):
        y = PAD + used + index * row
        body.append(_text(PAD, y + 13, _fit(stack.label)))
        x = PAD
        for entry, value in zip(series, stack.values, strict=True):
            length = room * value / top
            if value:
                body.append(_rect(x, y + 18, length, 14, entry.colour, stroke=GREY if entry.outline else BACKGROUND,
                                  tip=f"{stack.label}, {entry.name}: {value}"))
            x += length
        body.append(_text(x + 6, y + 30, stack.text, weight="bold"))
    return _svg(ident, title, desc, 2 * PAD + used + max(len(rows), 1) * row, body)


def daily_chart(ident: str, title: str, desc: str, days: Sequence[tuple[date, int]], *, deadline: date,
                day_text, number_text, deadline_label: str) -> Markup:
    """A column per day, a dashed line at the end of the deadline's day with its label, the highest figure and the
    first and last days on the axes. `day_text(day)` and `number_text(n)` format for the viewer."""
    left, right, top_y, base_y = PAD + 34, WIDTH - PAD, 34, 174
    height = base_y - top_y
    count = max(len(days), 1)
    width = (right - left) / count
    top = max((n for _day, n in days), default=0) or 1
    body = [f'<line x1="{left}" y1="{base_y}" x2="{right}" y2="{base_y}" stroke="{GREY}" stroke-width="1"/>',
            f'<line x1="{left}" y1="{top_y}" x2="{right}" y2="{top_y}" stroke="{PALE}" stroke-width="1"/>',
            _text(left - 4, top_y + 4, number_text(top), anchor="end", fill=MUTED),
            _text(left - 4, base_y + 4, number_text(0), anchor="end", fill=MUTED)]
    gap = width * 0.2 if width >= 4 else 0
    for index, (day, n) in enumerate(days):
        if n:
            tall = height * n / top
            body.append(_rect(left + index * width + gap / 2, base_y - tall, width - gap, tall, BLUE,
                              tip=f"{day_text(day)}: {number_text(n)}"))
    if days:
        body.append(_text(left, base_y + 18, day_text(days[0][0]), fill=MUTED))
        body.append(_text(right, base_y + 18, day_text(days[-1][0]), anchor="end", fill=MUTED))
        index = (deadline - days[0][0]).days
        if 0 <= index < len(days):
            x = left + (index + 1) * width
            anchor = "end" if x > WIDTH - 90 else "start"
            body.append(f'<line x1="{_n(x)}" y1="{top_y - 14}" x2="{_n(x)}" y2="{base_y}" stroke="{ORANGE}"'
                        f' stroke-width="2" stroke-dasharray="5 3"/>')
            body.append(_text(x + (-4 if anchor == "end" else 4), top_y - 18, deadline_label, anchor=anchor,
                              fill=ORANGE, weight="bold"))
    return _svg(ident, title, desc, base_y + 28, body)
