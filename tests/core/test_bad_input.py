"""Bad input is refused or cleaned, never a 500: ids beyond the id columns (32 bits on PostgreSQL, 64 on SQLite) in
every `<int:…>` URL, `?page=` and id fields; NUL bytes and other control characters in any text field (PostgreSQL
refuses NUL in text and JSON); whitespace-only choices; a NIK typed in full-width digits."""

import re

import pytest
from flask import Flask
from werkzeug.routing import IntegerConverter

from app.core.converters import MAX_ID
from app.core.forms import Form
from app.extensions import db
from app.festival.forms.apply import AboutYouForm, files_form, question_form
from app.festival.models import Application
from app.festival.models.application import ApplicationStatus as S
from tests.factories import ApplicationFactory, CallFactory, UserFactory
from tests.festival.conftest import IN_WINDOW
from tests.helpers import csrf_token, field_error, submit, text

HUGE = "99999999999999999999999"  # 77 bits
NUL_TEXT = "Kopi\x00 Kita\x07\x1b\x7f"
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _int_rules(app: Flask, number: str) -> list[tuple[str, str]]:
    """(URL with every int argument set to `number`, method) for every rule that takes an int."""
    rules = []
    for rule in app.url_map.iter_rules():
        ints = [name for name, converter in rule._converters.items() if isinstance(converter, IntegerConverter)]
        if not ints:
            continue
        path = rule.rule
        for name in ints:
            path = re.sub(rf"<int(\([^)]*\))?:{name}>", number, path)
        rules += [(path, method) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return rules


@pytest.mark.parametrize("number", [HUGE, str(2**31), str(2**63 - 1), str(MAX_ID)])  # MAX_ID: the largest id kept
@pytest.mark.parametrize("role", ["staff", "applicant", "reviewer"])
def test_every_int_url_answers_404_for_an_id_out_of_range(app, client, login, monkeypatch, role, number):
    monkeypatch.setitem(app.config, "MAIL_OUTBOX_VIEW", True)  # so that the outbox's own id is read too
    user = UserFactory(**({} if role == "applicant" else {role: True}))
    login(user)
    token = csrf_token(text(client.get("/")))
    rules = _int_rules(app, number)
    assert len(rules) > 30  # the walk found the app's rules
    answers = {}
    for path, method in rules:
        response = client.open(path, method=method, data={"csrf_token": token} if method == "POST" else None)
        answers[(method, path)] = response.status_code
    allowed = {403, 404} if number == str(MAX_ID) else {404}  # the largest id reaches role checks and the database
    assert {key: code for key, code in answers.items() if code not in allowed} == {}


def test_an_id_of_thousands_of_digits_is_a_404(client, login):
    login(UserFactory(staff=True))
    assert client.get(f"/staff/applications/{'9' * 5000}").status_code == 404  # beyond int()'s 4300 digits


def test_full_width_digits_are_not_an_id(client, login):
    application = ApplicationFactory(submitted=True)
    login(UserFactory(staff=True))
    full_width = "".join(chr(0xFF10 + int(d)) for d in str(application.id))
    assert client.get(f"/staff/applications/{application.id}").status_code == 200
    assert client.get(f"/staff/applications/{full_width}").status_code == 404


@pytest.mark.parametrize("url", ["/staff/applications", "/staff/outbox"])
@pytest.mark.parametrize("page", [HUGE, "-3", "abc", "１", "9" * 5000])
def test_a_page_number_out_of_range_shows_a_page(app, client, login, monkeypatch, url, page):
    monkeypatch.setitem(app.config, "MAIL_OUTBOX_VIEW", True)
    login(UserFactory(staff=True))
    assert client.get(url, query_string={"page": page}).status_code == 200


@pytest.mark.parametrize("number", [HUGE, str(MAX_ID + 1)])
def test_bulk_ids_out_of_range_are_refused_on_the_form(client, login, number):
    application = ApplicationFactory(submitted=True)
    login(UserFactory(staff=True, locale="en"))
    response = submit(client, "/staff/applications", {"ids": [str(application.id), number], "decision": "rejected"})
    assert response.status_code == 200
    assert "Invalid choice(s): one or more data inputs could not be coerced." in text(response)
    db.session.refresh(application)
    assert application.status == S.SUBMITTED  # nothing decided


@pytest.mark.parametrize("number", [HUGE, str(MAX_ID + 1)])
def test_a_waitlist_offer_for_an_id_out_of_range_is_refused(client, login, number):
    call = CallFactory()
    login(UserFactory(staff=True, locale="en"))
    response = submit(client, f"/staff/calls/{call.id}/offer-place", {"application_id": number},
                      page=f"/staff/calls/{call.id}/ranking")
    assert response.status_code == 302
    assert "The form expired or was incomplete" in text(client.get(response.headers["Location"]))


# --- control characters: one place for every form ----------------------------------------------------------------

def _all_form_classes() -> list[type]:
    import app.accounts.forms
    import app.festival.forms.desk
    import app.festival.forms.review
    import app.festival.forms.setup  # noqa: F401  (every form module imported, so every class is listed)

    found, todo = [], [Form]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo += cls.__subclasses__()
    return found


def test_every_form_of_the_app_derives_from_the_cleaning_base():
    from flask_wtf import FlaskForm

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [cls for cls in subclasses(FlaskForm) if cls.__module__.startswith("app.")]
    assert ours and all(issubclass(cls, Form) for cls in ours), [c for c in ours if not issubclass(c, Form)]


def test_every_text_field_of_every_form_drops_control_characters(app):
    call = CallFactory()
    forms = [cls for cls in _all_form_classes() if cls.__module__.startswith("app.") and cls is not Form]
    with app.test_request_context():  # the forms built from a call's questions
        forms += [type(question_form(list(call.questions), "en")), type(files_form([], "en"))]
    checked = 0
    for cls in forms:
        kwargs = {"festival_day": call.edition.starts_on} if issubclass(cls, AboutYouForm) else {}
        with app.test_request_context(method="POST"):
            names = list(cls(formdata=None, meta={"csrf": False}, **kwargs)._fields)
        data = {name: NUL_TEXT for name in names}
        with app.test_request_context(method="POST", data=data):
            form = cls(meta={"csrf": False}, **kwargs)
            for name, field in form._fields.items():
                if field.type == "PasswordField" or not isinstance(field.data, str):
                    continue
                checked += 1
                assert not CONTROL.search(field.data), f"{cls.__name__}.{name} keeps {field.data!r}"
                if field.type in ("StringField", "TextAreaField", "SearchField"):
                    assert field.data.strip().lower() in ("kopi kita", ""), f"{cls.__name__}.{name}: {field.data!r}"
    assert checked > 40


def test_a_password_is_kept_exactly_as_typed(app):
    from app.accounts.forms import LoginForm

    with app.test_request_context(method="POST", data={"email": "a@example.com", "password": "pass\x01word"}):
        assert LoginForm(meta={"csrf": False}).password.data == "pass\x01word"  # hashed, never stored as text


@pytest.fixture
def draft(client, login, frozen_clock):
    frozen_clock(IN_WINDOW)
    application = ApplicationFactory(applicant=UserFactory(locale="en"))
    login(application.applicant)
    return application


def test_nul_bytes_in_the_steps_and_autosave_are_removed_before_saving(client, draft):
    """On PostgreSQL a NUL in a text or JSON column was a 500; on both databases it is now never stored."""
    url = f"/applications/{draft.id}/step"
    response = submit(client, f"{url}/2", {"business_name": "Kopi\x00 Kita", "subsector": "culinary",
                                           "stage": "started", "founded_on": "2025-02-01", "team_size": "3",
                                           "description": "Kopi\x00 Bali\r\ndari Kintamani.\x0b", "action": "save"})
    assert response.status_code == 302
    response = submit(client, f"{url}/3", {"q_products": "Klepon\x00", "q_price_range": "Rp\x00 10.000",
                                           "action": "save"})
    assert response.status_code == 302
    token = csrf_token(text(client.get(f"{url}/1")))
    response = client.post(f"{url}/1/autosave", data={"csrf_token": token, "full_name": "Ni\x00 Made\x1b Ayu"})
    assert response.status_code == 200
    db.session.refresh(draft)
    assert (draft.business_name, draft.description) == ("Kopi Kita", "Kopi Bali\r\ndari Kintamani.")
    assert draft.answers == {"products": "Klepon", "price_range": "Rp 10.000"} and draft.full_name == "Ni Made Ayu"


def test_a_nul_byte_in_the_desk_search_and_outbox_search_is_no_error(app, client, login, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_OUTBOX_VIEW", True)
    ApplicationFactory(submitted=True, business_name="Kopi Kita")
    login(UserFactory(staff=True))
    assert "Kopi Kita" in text(client.get("/staff/applications", query_string={"q": "Kopi\x00"}))
    assert client.get("/staff/outbox", query_string={"to": "a\x00b"}).status_code == 200


# --- whitespace-only choices ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("blank", [" ", "\t", " \x00 "])
def test_a_whitespace_choice_is_an_empty_choice(client, draft, blank):
    url = f"/applications/{draft.id}/step"
    data = {"full_name": "Ni Made Ayu", "phone": "0812 3456 7890", "date_of_birth": "2004-05-17", "district": blank,
            "nik": ""}
    response = submit(client, f"{url}/1", {**data, "action": "next"})
    assert response.status_code == 200
    assert field_error(text(response), "district") == "This field is required."
    token = csrf_token(text(client.get(f"{url}/2")))
    assert client.post(f"{url}/1/autosave", data={"csrf_token": token, "district": blank}).status_code == 200
    assert client.post(f"{url}/2/autosave", data={"csrf_token": token, "subsector": blank,
                                                  "stage": blank}).status_code == 200
    db.session.refresh(draft)
    assert (draft.district, draft.subsector, draft.stage) == (None, None, None)  # cleared, as an empty choice is


# --- the NIK takes ASCII digits only ---------------------------------------------------------------------------------

def test_a_nik_in_full_width_digits_is_refused(client, draft):
    ascii_nik = "5171015705040001"
    full_width = "".join(chr(0xFF10 + int(d)) for d in ascii_nik)
    data = {"full_name": "Ni Made Ayu", "phone": "0812 3456 7890", "date_of_birth": "2004-05-17",
            "district": "denpasar_timur", "nik": full_width, "action": "next"}
    response = submit(client, f"/applications/{draft.id}/step/1", data)
    assert field_error(text(response), "nik") == "A NIK has exactly 16 digits."
    assert db.session.get(Application, draft.id).nik is None
