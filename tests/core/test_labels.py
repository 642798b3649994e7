"""One label style: every labelled enum is a `Vocabulary` (`member.label`), templates show `{{ value.label }}`, and
select fields build their choices per form, in the page's language."""

import re
from pathlib import Path

import pytest
from flask import url_for
from flask_babel import force_locale
from wtforms import Form as PlainForm
from wtforms import SelectField
from wtforms.widgets import Select

from app.core.forms import PLAIN_SELECT, choices, vocabulary_choices
from app.core.i18n import TimeZone
from app.core.mail import MailStatus
from app.core.permissions import Role
from app.core.routing import url_for_each
from app.core.vocab import Vocabulary
from app.festival.forms.apply import BusinessForm
from app.festival.forms.desk import Decision
from app.festival.models import EditionStatus
from app.festival.models.application import ApplicationStatus
from app.festival.models.call import QuestionKind
from app.festival.vocab import CallKind, District, Stage, Subsector

KINDS = (ApplicationStatus, Stage, CallKind, QuestionKind, EditionStatus, Role, MailStatus, TimeZone, Decision,
         District, Subsector)
APP = Path(__file__).resolve().parents[2] / "app"
# The label styles the templates used before `{{ value.label }}`.
OLD_STYLES = re.compile(r"_LABELS|role_label\(|\blabels\.(status|subsector|district|stage|decision)\b|\{\{ label\(|"
                        r"status_label|kind_label|status_labels")


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.__name__)
def test_every_labelled_enum_carries_its_translated_label(app, kind):
    assert issubclass(kind, Vocabulary)
    with app.test_request_context():
        with force_locale("en"):
            english = [member.label for member in kind]
        with force_locale("id"):
            indonesian = [member.label for member in kind]
    assert all(english) and all(indonesian)
    assert english != indonesian or kind is District  # district names are the same in both languages


def test_statuses_read_as_before(app):
    with app.test_request_context():
        with force_locale("en"):
            assert ApplicationStatus.REJECTED.label == "Not selected"
            assert Role.REVIEWER.label == "reviewer"
            assert MailStatus.PENDING.label == "waiting to be sent"
            assert Decision.WAITLISTED.label == "Put on the waiting list"
        with force_locale("id"):
            assert ApplicationStatus.SUBMITTED.label != "Submitted"


def test_every_template_uses_one_label_style():
    offenders = [f"{path.relative_to(APP)}:{number}"
                 for path in APP.rglob("templates/**/*.*") if path.suffix in {".html", ".txt"}
                 for number, line in enumerate(path.read_text().splitlines(), 1) if OLD_STYLES.search(line)]
    assert offenders == []


def test_no_label_dictionaries_are_left_in_the_code():
    offenders = [str(path.relative_to(APP)) for path in APP.rglob("*.py") if re.search(r"\b[A-Z_]+_LABELS\b",
                                                                                        path.read_text())]
    assert offenders == []


def test_select_choices_follow_the_language_of_each_form(app):
    for locale, crafts in (("en", "Crafts (kriya)"), ("id", "Kriya")):
        with app.test_request_context(), force_locale(locale):
            form = BusinessForm(meta={"csrf": False})
            labels = [choice.label for choice in form.subsector.choices]
            assert crafts in labels
            assert labels[1:] == sorted(labels[1:], key=str.casefold)  # after "Choose…", in this language's order


def test_the_plain_select_writes_what_wtforms_writes(app):
    class Filters(PlainForm):
        status = SelectField("Status", choices=vocabulary_choices(ApplicationStatus, blank="Any <status>"))
        odd = SelectField("Odd", choices=choices([("a&b", 'A & "B"'), ("c", "")]))

    with app.test_request_context(), force_locale("en"):
        form = Filters(data={"status": "under_review", "odd": "a&b"})
        for field in (form.status, form.odd):
            assert PLAIN_SELECT(field) == Select()(field)
            assert PLAIN_SELECT(field, class_="wide", required=True) == Select()(field, class_="wide", required=True)
        assert '<option selected value="under_review">Under review</option>' in PLAIN_SELECT(form.status)


def test_url_for_each_builds_what_url_for_builds(app):
    with app.test_request_context():
        build = url_for_each("festival.desk_application", "application_id")
        for application_id in (1, 42, 918273645, 2_147_483_647):
            assert build(application_id) == url_for("festival.desk_application", application_id=application_id)
