"""The SVG builders on their own: accessible names, scale, escaping, the deadline marker, empty input."""

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

from app.staff.dashboards import charts
from app.staff.dashboards.charts import Bar, Series, Stack

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))  # noqa: S314 (our own output) well-formed XML, or this raises


def widths(root: ET.Element) -> list[float]:
    return [float(rect.get("width")) for rect in root.iter(f"{SVG}rect") if rect.find(f"{SVG}title") is not None]


def test_a_bar_chart_is_a_named_image_whose_bars_follow_the_numbers():
    root = parse(charts.bar_chart("c1", "Per call", "Three calls.", [Bar("A", 10, "10"), Bar("B", 5, "5"),
                                                                      Bar("C", 0, "0")]))
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{SVG}title").text == "Per call" and root.find(f"{SVG}desc").text == "Three calls."
    assert root.get("viewBox").startswith("0 0 360 ") and root.get("width") == "100%"
    a, b, c = widths(root)
    assert abs(a - 2 * b) < 0.2 and c == 0
    assert [t.text for t in root.iter(f"{SVG}title")][1:] == ["A: 10", "B: 5", "C: 0"]


def test_labels_are_escaped_and_long_ones_cut():
    long = "Living elsewhere, studying or working in Denpasar & more <b>"
    markup = str(charts.bar_chart("c2", "T <x>", "D & d", [Bar(long, 3, "3")]))
    root = parse(markup)
    shown = [t.text for t in root.iter(f"{SVG}text")]
    assert shown[0].endswith("…") and len(shown[0]) <= charts.LABEL_CHARS
    assert "<b>" not in markup and "&lt;x&gt;" in markup


def test_an_empty_chart_still_draws_a_valid_image():
    for markup in (charts.bar_chart("e1", "T", "D", []), charts.funnel_chart("e2", "T", "D", []),
                   charts.stacked_chart("e3", "T", "D", [], [Series("A", charts.BLUE)]),
                   charts.daily_chart("e4", "T", "D", [], deadline=date(2027, 5, 31), day_text=str,
                                      number_text=str, deadline_label="Deadline")):
        assert float(parse(markup).get("viewBox").split()[3]) > 0


def test_funnel_bars_are_centred_and_shrink_with_their_stage():
    root = parse(charts.funnel_chart("f", "Funnel", "D", [Bar("Started", 100, "100"), Bar("Paid", 25, "25")]))
    bars = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    first, last = ((float(r.get("x")), float(r.get("width"))) for r in bars)
    assert abs(first[1] - 4 * last[1]) < 0.3
    assert abs((first[0] + first[1] / 2) - (last[0] + last[1] / 2)) < 0.2  # same centre


def test_stacked_rows_share_one_scale_and_a_legend():
    series = [Series("Booked", charts.BLUE), Series("Free", charts.PALE, outline=True)]
    root = parse(charts.stacked_chart("s", "Zones", "D", [Stack("Z1", (2, 2), "2 / 4"), Stack("Z2", (1, 1), "1 / 2")],
                                      series))
    tips = {r.find(f"{SVG}title").text: float(r.get("width")) for r in root.iter(f"{SVG}rect")
            if r.find(f"{SVG}title") is not None}
    assert abs(tips["Z1, Booked: 2"] - 2 * tips["Z2, Booked: 1"]) < 0.2
    legend = [t.text for t in root.iter(f"{SVG}text")][:2]
    assert legend == ["Booked", "Free"]


def test_daily_columns_and_the_deadline_marker_at_the_end_of_its_day():
    start = date(2027, 3, 1)
    days = [(start + timedelta(n), n % 3) for n in range(10)]
    markup = charts.daily_chart("d", "Per day", "D", days, deadline=start + timedelta(7),
                                day_text=lambda d: d.isoformat(), number_text=str, deadline_label="Deadline")
    root = parse(markup)
    columns = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert len(columns) == sum(1 for _d, n in days if n)  # empty days draw nothing
    line = [ln for ln in root.iter(f"{SVG}line") if ln.get("stroke-dasharray")][0]
    left, right = charts.PAD + 34, charts.WIDTH - charts.PAD
    assert abs(float(line.get("x1")) - (left + 8 * (right - left) / 10)) < 0.1
    assert "Deadline" in [t.text for t in root.iter(f"{SVG}text")]
    assert re.search(r"<title>2027-03-03: 2</title>", str(markup))
