"""Who may open what: every endpoint is public on purpose or closed, and a role × page table pins access."""

import re

import pytest

from app.core.permissions import is_public_endpoint
from tests.helpers import csrf_token, text

# Endpoints anyone may open. Adding one here is a decision: review it.
PUBLIC_ENDPOINTS = {
    "static",
    "core.healthz",
    "site.landing",
    "accounts.register",
    "accounts.check_inbox",
    "accounts.confirm",
    "accounts.login",
    "accounts.forgot_password",
    "accounts.reset_password",
    "accounts.set_language",
    "accounts.accept_invitation",
    "festival.calls",
}


def sample_url(rule) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: "1" if "int" in m.group(0) else "sample", rule.rule)


def test_public_list_matches_the_code(app):
    marked = {rule.endpoint for rule in app.url_map.iter_rules() if is_public_endpoint(app, rule.endpoint)}
    assert marked == PUBLIC_ENDPOINTS


def test_every_other_endpoint_sends_anonymous_visitors_to_login(app, client):
    token = csrf_token(text(client.get("/")))  # so that POST-only endpoints get past CSRF to the login check
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        if "GET" in rule.methods:
            response = client.get(sample_url(rule))
        else:
            response = client.post(sample_url(rule), data={"csrf_token": token})
        assert response.status_code == 302, f"{rule.endpoint} answered {response.status_code} to a visitor"
        assert "/login" in response.headers["Location"], rule.endpoint


APPLICANT, STAFF, MENTOR, REVIEWER, ANON = "applicant", "staff", "mentor", "reviewer", "anonymous"

# page → expected status per role (302 = sent elsewhere: login for visitors, home for the logged in).
ACCESS = {
    "/": {ANON: 200, APPLICANT: 200, STAFF: 200, MENTOR: 200, REVIEWER: 200},
    "/healthz": {ANON: 200, APPLICANT: 200, STAFF: 200, MENTOR: 200, REVIEWER: 200},
    "/login": {ANON: 200, APPLICANT: 302, STAFF: 302, MENTOR: 302, REVIEWER: 302},
    "/register": {ANON: 200, APPLICANT: 302, STAFF: 302, MENTOR: 302, REVIEWER: 302},
    "/register/check-inbox": {ANON: 200, APPLICANT: 200, STAFF: 200, MENTOR: 200, REVIEWER: 200},
    "/password/forgot": {ANON: 200, APPLICANT: 200, STAFF: 200, MENTOR: 200, REVIEWER: 200},
    "/home": {ANON: 302, APPLICANT: 302, STAFF: 302, MENTOR: 302, REVIEWER: 302},
    "/applicant": {ANON: 302, APPLICANT: 200, STAFF: 403, MENTOR: 403, REVIEWER: 403},
    "/mentor": {ANON: 302, APPLICANT: 403, STAFF: 403, MENTOR: 200, REVIEWER: 403},
    "/reviewer": {ANON: 302, APPLICANT: 403, STAFF: 403, MENTOR: 403, REVIEWER: 200},
    "/account": {ANON: 302, APPLICANT: 200, STAFF: 200, MENTOR: 200, REVIEWER: 200},
    "/account/password": {ANON: 302, APPLICANT: 200, STAFF: 200, MENTOR: 200, REVIEWER: 200},
    "/staff/": {ANON: 302, APPLICANT: 403, STAFF: 200, MENTOR: 403, REVIEWER: 403},
    "/staff/invitations": {ANON: 302, APPLICANT: 403, STAFF: 200, MENTOR: 403, REVIEWER: 403},
    "/staff/outbox": {ANON: 302, APPLICANT: 403, STAFF: 200, MENTOR: 403, REVIEWER: 403},
    "/staff/editions": {ANON: 302, APPLICANT: 403, STAFF: 200, MENTOR: 403, REVIEWER: 403},
    "/staff/editions/new": {ANON: 302, APPLICANT: 403, STAFF: 200, MENTOR: 403, REVIEWER: 403},
    "/staff/applications": {ANON: 302, APPLICANT: 403, STAFF: 200, MENTOR: 403, REVIEWER: 403},
    "/festival": {ANON: 200, APPLICANT: 200, STAFF: 200, MENTOR: 200, REVIEWER: 200},
    "/review": {ANON: 302, APPLICANT: 403, STAFF: 403, MENTOR: 403, REVIEWER: 200},
}

ROLE_TRAITS = {APPLICANT: {}, STAFF: {"staff": True}, MENTOR: {"mentor": True}, REVIEWER: {"reviewer": True}}


@pytest.mark.parametrize("role", [ANON, APPLICANT, STAFF, MENTOR, REVIEWER])
def test_role_page_table(client, login, user_factory, role):
    if role != ANON:
        login(user_factory(**ROLE_TRAITS[role]))
    got = {page: client.get(page).status_code for page in ACCESS}
    expected = {page: statuses[role] for page, statuses in ACCESS.items()}
    assert got == expected


def test_table_covers_every_get_page(app):
    pages = {r.rule for r in app.url_map.iter_rules() if "GET" in r.methods and "<" not in r.rule}
    assert pages <= set(ACCESS), f"add to ACCESS: {sorted(pages - set(ACCESS))}"


OWNER, OTHER_APPLICANT, ASSIGNED, OTHER_REVIEWER = "owner", "other applicant", "assigned reviewer", "other reviewer"
OBJECT_ROLES = [ANON, OWNER, OTHER_APPLICANT, STAFF, MENTOR, ASSIGNED, OTHER_REVIEWER]

# page (with the ids of one submitted application, its call and edition, its review) → status per role.
OBJECT_ACCESS = {
    "/applications/{a}": [302, 200, 404, 200, 404, 404, 404],
    "/applications/{a}/summary": [302, 200, 404, 200, 404, 404, 404],
    "/applications/{a}/step/1": [302, 302, 404, 404, 404, 404, 404],
    "/applications/{a}/withdraw": [302, 200, 404, 404, 404, 404, 404],
    "/review/{r}": [302, 403, 403, 403, 403, 200, 404],
    "/staff/applications/{a}": [302, 403, 403, 200, 403, 403, 403],
    "/staff/calls/{c}": [302, 403, 403, 200, 403, 403, 403],
    "/staff/calls/{c}/ranking": [302, 403, 403, 200, 403, 403, 403],
    "/staff/calls/{c}/reviewers": [302, 403, 403, 200, 403, 403, 403],
    "/staff/editions/{e}": [302, 403, 403, 200, 403, 403, 403],
}


@pytest.mark.parametrize("role", OBJECT_ROLES)
def test_role_object_page_table(client, login, user_factory, role):
    from tests.factories import AssignmentFactory

    assignment = AssignmentFactory()
    application = assignment.application
    ids = {"a": application.id, "r": assignment.id, "c": application.call_id, "e": application.call.edition_id}
    users = {OWNER: application.applicant, OTHER_APPLICANT: user_factory(), STAFF: user_factory(staff=True),
             MENTOR: user_factory(mentor=True), ASSIGNED: assignment.reviewer,
             OTHER_REVIEWER: user_factory(reviewer=True)}
    if role != ANON:
        login(users[role])
    column = OBJECT_ROLES.index(role)
    got = {page: client.get(page.format(**ids)).status_code for page in OBJECT_ACCESS}
    assert got == {page: statuses[column] for page, statuses in OBJECT_ACCESS.items()}
