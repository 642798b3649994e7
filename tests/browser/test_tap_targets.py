"""Tap targets on the applicant's phone pages (issue 12, item 7): every visible link, button and field is at least
44 × 44 px at 360 px wide, in Indonesian (the longer labels).

Excepted, and only these: a link inside running text (a sentence in a paragraph, list item or table cell, where
WCAG 2.5.8 exempts it), and the skip link while it is off screen. A checkbox or radio button counts with its label,
which is what a finger taps.
"""

from datetime import UTC, datetime

import pytest

from app.extensions import db
from app.festival.models.application import ApplicationStatus as S
from app.festival.models.call import CallKind
from tests.browser.festival_fixtures import log_in
from tests.factories import ApplicationFactory, CallFactory, EditionFactory, UserFactory

pytestmark = pytest.mark.browser

IN_WINDOW = datetime(2027, 5, 20, 2, 0, tzinfo=UTC)
EMAIL = "made.tap@example.com"

SMALL_TARGETS = """
() => {
  const inSentence = (el) => {
    const block = el.closest('p, li, dd, td, small');
    return block && !el.matches('.link-button') && block.textContent.trim().length > el.textContent.trim().length + 3;
  };
  const visible = (el) => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width > 0 && box.height > 0 && box.right > 0 && style.visibility !== 'hidden';
  };
  return Array.from(document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary'))
    .filter(visible)
    .filter((el) => !(el.tagName === 'A' && inSentence(el)))
    .map((el) => {
      const target = el.matches('input[type=checkbox], input[type=radio]') ? (el.closest('label') || el) : el;
      const box = target.getBoundingClientRect();
      return {html: el.outerHTML.slice(0, 120), width: Math.round(box.width), height: Math.round(box.height)};
    })
    .filter((t) => t.width < 44 || t.height < 44);
}
"""


def test_every_control_on_the_applicants_phone_pages_is_44_px(browsers, festival_uploads, frozen_clock):
    frozen_clock(IN_WINDOW)
    call = CallFactory(edition=EditionFactory(code="DYF27"))
    person = UserFactory(email=EMAIL, locale="id")
    draft = ApplicationFactory(call=call, applicant=person)
    showcase = CallFactory(edition=call.edition, kind=CallKind.SHOWCASE)
    sent = ApplicationFactory(call=showcase, applicant=person, submitted=True, status=S.SUBMITTED)
    db.session.commit()

    phone = browsers.open("applicant", locale="id-ID")
    log_in(phone.page, EMAIL)
    pages = ["/home", "/festival", "/account", *(f"/applications/{draft.id}/step/{n}" for n in range(1, 6)),
             f"/applications/{draft.id}", f"/applications/{sent.id}", f"/applications/{sent.id}/withdraw"]
    small = {}
    for path in pages:
        phone.page.goto(path)
        phone.check(f"tap targets: {path}")
        found = phone.page.evaluate(SMALL_TARGETS)
        if found:
            small[path] = found
    assert small == {}, small
    browsers.assert_clean()
