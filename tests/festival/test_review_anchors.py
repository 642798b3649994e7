"""The scoring form: each criterion's guidance and anchors (what a 1 and a 5 mean), 1–5 in one row, and the weighted
total (shown after saving without JavaScript; scoring.js keeps it current while choosing)."""

import re

from app.extensions import db
from app.festival.models.application import ApplicationStatus
from tests.core.test_html import assert_valid
from tests.factories import ApplicationFactory, AssignmentFactory, CallFactory, UserFactory
from tests.helpers import submit, text


def _assignment(locale="en"):
    call = CallFactory()
    first = call.criteria[0]
    first.anchor_low_ind, first.anchor_low_en = "Belum ada produk.", "No product yet."
    first.anchor_high_ind, first.anchor_high_en = "Laris, pelanggan tetap.", "Sells steadily, with regulars."
    db.session.commit()
    application = ApplicationFactory(call=call, submitted=True, status=ApplicationStatus.UNDER_REVIEW)
    return AssignmentFactory(application=application, reviewer=UserFactory(reviewer=True, locale=locale))


def test_the_form_shows_anchors_in_the_reviewers_language_and_options_in_one_row(client, login):
    assignment = _assignment()
    call = assignment.application.call
    first = call.criteria[0]
    login(assignment.reviewer)
    html = text(client.get(f"/review/{assignment.id}"))
    assert_valid(html, "/review/<id>")
    anchors = re.search(rf'<dl class="score-anchors" id="score_{first.id}-anchors">(.*?)</dl>', html, re.S).group(1)
    assert "1 means" in anchors and "No product yet." in anchors
    assert "5 means" in anchors and "Sells steadily, with regulars." in anchors
    assert f'score_{first.id}-anchors' in re.search(r'<fieldset class="criterion"[^>]*>', html).group(0)
    rows = re.findall(r'<div class="score-row">(.*?)</div>', html, re.S)
    assert len(rows) == len(call.criteria)
    assert all(len(re.findall(r'type="radio"', row)) == 5 for row in rows)
    assert "1 – poor" in rows[0] and "5 – excellent" in rows[0]  # the spoken names stay, for screen readers
    weights = re.findall(r'<fieldset class="criterion" data-weight="(\d+)"', html)
    assert weights == [str(c.weight) for c in call.criteria]
    assert '<output id="weighted-total" data-decimal="." data-empty="–">–</output>' in html
    assert '<script src="/static/js/scoring.js" defer></script>' in html
    # A criterion without anchors has no empty anchor list.
    assert f'id="score_{call.criteria[1].id}-anchors"' not in html


def test_anchors_in_indonesian_and_english_falling_back_to_indonesian(app, login):
    assignment = _assignment(locale="id")
    first = assignment.application.call.criteria[0]
    client = app.test_client()
    login(assignment.reviewer, on=client)
    html = text(client.get(f"/review/{assignment.id}"))
    assert "Belum ada produk." in html and "No product yet." not in html
    first.anchor_low_en = ""  # English not written: an English reviewer reads the Indonesian anchor
    db.session.commit()
    english = UserFactory(reviewer=True, locale="en")
    other = AssignmentFactory(application=assignment.application, reviewer=english)
    client = app.test_client()
    login(english, on=client)
    assert "Belum ada produk." in text(client.get(f"/review/{other.id}"))


def test_after_saving_the_total_shows_in_the_page_locale(app, login):
    assignment = _assignment(locale="id")
    call = assignment.application.call
    browser = app.test_client()
    login(assignment.reviewer, on=browser)
    data = {f"score_{c.id}": v for c, v in zip(call.criteria, ("5", "4", "4", "3"), strict=True)}
    response = submit(browser, f"/review/{assignment.id}", data)
    assert response.status_code == 302
    html = text(browser.get(f"/review/{assignment.id}"))
    assert '<output id="weighted-total" data-decimal="," data-empty="–">4,25</output>' in html  # (15+8+8+3)/8
