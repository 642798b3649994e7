"""Who may open what: every endpoint is public on purpose or closed, and a role × page table pins access."""

import re

import pytest

from app.core.permissions import is_public_endpoint
from app.extensions import db
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
    "payments.stripe_webhook",  # Stripe's events: checked by their HMAC signature, not by a login
    "cohorts.feed",  # a calendar program fetches it without a login: the private token in the URL is the secret
    "cohorts.verify",  # the public check of a certificate's code: shows no personal data, rate limited per address
    "cohorts.verify_code",  # the same check as a shareable address (the QR code on the certificate points here)
    # "E-mail me a sign-in link": the same answer for every address, rate limited per address and per account.
    "accounts.request_sign_in_link",
    # The one-time link from that mail: its random token (stored hashed, 15 minutes, spent on use) is the secret.
    "accounts.sign_in_with_link",
    "festival.call_page",  # a call's page: read before applying, like the list of calls
    "privacy.privacy",  # the privacy notice: read before registering
    # A guardian's consent link: the random token (stored hashed, replaced when the details change) is the secret.
    "privacy.guardian",
    "privacy.guardian_confirm",
    "privacy.my_data_deleted",  # after erasing one's account: generic text and counts kept in that browser's session
}


def sample_url(rule) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: "1" if "int" in m.group(0) else "sample", rule.rule)


def test_public_list_matches_the_code(app):
    marked = {rule.endpoint for rule in app.url_map.iter_rules() if is_public_endpoint(app, rule.endpoint)}
    assert marked == PUBLIC_ENDPOINTS


def methods_of(rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def test_every_other_endpoint_sends_anonymous_visitors_to_login_whatever_the_method(app, client):
    token = csrf_token(text(client.get("/")))  # so that writes get past CSRF to the login check
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        for method in methods_of(rule):
            data = None if method == "GET" else {"csrf_token": token}
            response = client.open(sample_url(rule), method=method, data=data)
            assert response.status_code == 302, f"{method} {rule.endpoint} answered {response.status_code} to a visitor"
            assert "/login" in response.headers["Location"], f"{method} {rule.endpoint}"


APPLICANT, STAFF, MENTOR, REVIEWER, ANON = "applicant", "staff", "mentor", "reviewer", "anonymous"

# page → expected status per role (302 = sent elsewhere: login for visitors, home for the logged in).
ACCESS = {
    "/": {ANON: 200, APPLICANT: 200, STAFF: 200, MENTOR: 200, REVIEWER: 200},
    "/healthz": {ANON: 200, APPLICANT: 200, STAFF: 200, MENTOR: 200, REVIEWER: 200},
    "/login": {ANON: 200, APPLICANT: 302, STAFF: 302, MENTOR: 302, REVIEWER: 302},
    "/register": {ANON: 200, APPLICANT: 302, STAFF: 302, MENTOR: 302, REVIEWER: 302},
    "/register/check-inbox": {ANON: 200, APPLICANT: 200, STAFF: 200, MENTOR: 200, REVIEWER: 200},
    "/password/forgot": {ANON: 200, APPLICANT: 200, STAFF: 200, MENTOR: 200, REVIEWER: 200},
    "/home": {ANON: 302, APPLICANT: 200, STAFF: 200, MENTOR: 200, REVIEWER: 200},
    "/applicant": {ANON: 302, APPLICANT: 200, STAFF: 403, MENTOR: 403, REVIEWER: 403},
    "/mentor": {ANON: 302, APPLICANT: 403, STAFF: 403, MENTOR: 200, REVIEWER: 403},
    "/reviewer": {ANON: 302, APPLICANT: 403, STAFF: 403, MENTOR: 403, REVIEWER: 200},
    "/account": {ANON: 302, APPLICANT: 200, STAFF: 200, MENTOR: 200, REVIEWER: 200},
    "/account/password": {ANON: 302, APPLICANT: 200, STAFF: 200, MENTOR: 200, REVIEWER: 200},
    "/staff/": {ANON: 302, APPLICANT: 403, STAFF: 200, MENTOR: 403, REVIEWER: 403},
    "/staff/invitations": {ANON: 302, APPLICANT: 403, STAFF: 200, MENTOR: 403, REVIEWER: 403},
    "/staff/people": {ANON: 302, APPLICANT: 403, STAFF: 200, MENTOR: 403, REVIEWER: 403},
    "/staff/exports/applications": {ANON: 302, APPLICANT: 403, STAFF: 200, MENTOR: 403, REVIEWER: 403},
    "/staff/exports/payments": {ANON: 302, APPLICANT: 403, STAFF: 200, MENTOR: 403, REVIEWER: 403},
    "/staff/exports/refunds": {ANON: 302, APPLICANT: 403, STAFF: 200, MENTOR: 403, REVIEWER: 403},
    "/staff/dashboards": {ANON: 302, APPLICANT: 403, STAFF: 200, MENTOR: 403, REVIEWER: 403},
    "/staff/audit/": {ANON: 302, APPLICANT: 403, STAFF: 200, MENTOR: 403, REVIEWER: 403},
    "/staff/outbox": {ANON: 302, APPLICANT: 403, STAFF: 200, MENTOR: 403, REVIEWER: 403},
    "/staff/editions": {ANON: 302, APPLICANT: 403, STAFF: 200, MENTOR: 403, REVIEWER: 403},
    "/staff/editions/new": {ANON: 302, APPLICANT: 403, STAFF: 200, MENTOR: 403, REVIEWER: 403},
    "/staff/applications": {ANON: 302, APPLICANT: 403, STAFF: 200, MENTOR: 403, REVIEWER: 403},
    "/staff/stalls": {ANON: 302, APPLICANT: 403, STAFF: 200, MENTOR: 403, REVIEWER: 403},
    "/festival": {ANON: 200, APPLICANT: 200, STAFF: 200, MENTOR: 200, REVIEWER: 200},
    "/review": {ANON: 302, APPLICANT: 403, STAFF: 403, MENTOR: 403, REVIEWER: 200},
    "/payments/": {ANON: 302, APPLICANT: 403, STAFF: 200, MENTOR: 403, REVIEWER: 403},
    "/cohorts": {ANON: 302, APPLICANT: 200, STAFF: 200, MENTOR: 200, REVIEWER: 200},
    "/staff/cohorts": {ANON: 302, APPLICANT: 403, STAFF: 200, MENTOR: 403, REVIEWER: 403},
    "/staff/cohorts/new": {ANON: 302, APPLICANT: 403, STAFF: 200, MENTOR: 403, REVIEWER: 403},
    "/certificates": {ANON: 302, APPLICANT: 200, STAFF: 200, MENTOR: 200, REVIEWER: 200},
    "/my-data": {ANON: 302, APPLICANT: 200, STAFF: 200, MENTOR: 200, REVIEWER: 200},
    "/my-data/download": {ANON: 302, APPLICANT: 200, STAFF: 200, MENTOR: 200, REVIEWER: 200},
    "/my-data/deleted": {ANON: 200, APPLICANT: 200, STAFF: 200, MENTOR: 200, REVIEWER: 200},
    "/privacy": {ANON: 200, APPLICANT: 200, STAFF: 200, MENTOR: 200, REVIEWER: 200},
    "/verify": {ANON: 200, APPLICANT: 200, STAFF: 200, MENTOR: 200, REVIEWER: 200},
    "/mentoring": {ANON: 302, APPLICANT: 403, STAFF: 403, MENTOR: 200, REVIEWER: 403},
    "/mentoring/my-mentor": {ANON: 302, APPLICANT: 200, STAFF: 403, MENTOR: 403, REVIEWER: 403},
    "/mentoring/profile": {ANON: 302, APPLICANT: 403, STAFF: 403, MENTOR: 200, REVIEWER: 403},
    "/staff/mentors": {ANON: 302, APPLICANT: 403, STAFF: 200, MENTOR: 403, REVIEWER: 403},
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
    "/applications/{a}/guardian": [302, 302, 404, 404, 404, 404, 404],  # submitted: its owner goes to its status
    "/review/{r}": [302, 403, 403, 403, 403, 200, 404],
    "/staff/applications/{a}": [302, 403, 403, 200, 403, 403, 403],
    "/staff/calls/{c}": [302, 403, 403, 200, 403, 403, 403],
    "/staff/calls/{c}/ranking": [302, 403, 403, 200, 403, 403, 403],
    "/staff/calls/{c}/reviewers": [302, 403, 403, 200, 403, 403, 403],
    "/staff/editions/{e}": [302, 403, 403, 200, 403, 403, 403],
    "/staff/exports/editions/{e}/stalls": [302, 403, 403, 200, 403, 403, 403],
    "/staff/exports/cohorts/{k}/participants": [302, 403, 403, 200, 403, 403, 403],
    "/staff/exports/cohorts/sessions/{cs}/attendance": [302, 403, 403, 200, 403, 403, 403],
    "/staff/exports/cohorts/{k}/meetings": [302, 403, 403, 200, 403, 403, 403],
    "/staff/dashboards/{e}": [302, 403, 403, 200, 403, 403, 403],
    "/staff/people/{u}": [302, 403, 403, 200, 403, 403, 403],
    "/stalls/bookings/{b}/cancel": [302, 200, 404, 404, 404, 404, 404],
    "/staff/stalls/bookings/{b}": [302, 403, 403, 200, 403, 403, 403],
    "/staff/stalls/applications/{a}/assign": [302, 403, 403, 404, 403, 403, 403],  # 404: not accepted
    "/staff/editions/{e}/stalls/unbooked": [302, 403, 403, 200, 403, 403, 403],
    "/applications/{a}/stalls": [302, 200, 404, 403, 403, 403, 403],
    "/applications/{a}/stalls/{s}": [302, 200, 404, 403, 403, 403, 403],
    "/applications/{a}/booking": [302, 200, 404, 403, 403, 403, 403],
    "/applications/{a}/booking/pay/1": [302, 302, 404, 403, 403, 403, 403],  # no such payment: back to the booking
    "/stalls/bookings/{b}/receipt": [302, 200, 404, 200, 404, 404, 404],
    "/staff/editions/{e}/stalls": [302, 403, 403, 200, 403, 403, 403],
    "/staff/editions/{e}/stalls/layout": [302, 403, 403, 200, 403, 403, 403],
    "/staff/editions/{e}/stalls/settings": [302, 403, 403, 200, 403, 403, 403],
    "/staff/editions/{e}/stalls/new": [302, 403, 403, 200, 403, 403, 403],
    "/staff/editions/{e}/stalls/import": [302, 403, 403, 200, 403, 403, 403],
    "/staff/editions/{e}/stalls/export.csv": [302, 403, 403, 200, 403, 403, 403],
    "/staff/editions/{e}/stalls/copy": [302, 403, 403, 200, 403, 403, 403],
    "/staff/editions/{e}/zones/new": [302, 403, 403, 200, 403, 403, 403],
    "/staff/zones/{z}/edit": [302, 403, 403, 200, 403, 403, 403],
    "/staff/stalls/{s}/edit": [302, 403, 403, 200, 403, 403, 403],
    # The owner is a participant of cohort {k}; everyone else is in no cohort (404: a cohort's existence is private).
    "/cohorts/{k}": [302, 200, 404, 404, 404, 404, 404],
    "/cohorts/sessions/{cs}.ics": [302, 200, 404, 404, 404, 404, 404],
    "/staff/cohorts/{k}": [302, 403, 403, 200, 403, 403, 403],
    "/staff/cohorts/{k}/edit": [302, 403, 403, 200, 403, 403, 403],
    "/staff/cohorts/{k}/admit": [302, 403, 403, 200, 403, 403, 403],
    "/staff/cohorts/{k}/sessions/new": [302, 403, 403, 200, 403, 403, 403],
    "/staff/cohorts/sessions/{cs}/edit": [302, 403, 403, 200, 403, 403, 403],
    "/staff/cohorts/sessions/{cs}/attendance": [302, 403, 403, 200, 403, 403, 403],
    "/staff/cohorts/{k}/milestones/new": [302, 403, 403, 200, 403, 403, 403],
    "/staff/cohorts/milestones/{m}/edit": [302, 403, 403, 200, 403, 403, 403],
    "/staff/cohorts/{k}/reports": [302, 403, 403, 200, 403, 403, 403],
    # The owner's report {rp} on milestone {m}: the owner, their pair's mentor (not the MENTOR column) and staff.
    "/cohorts/milestones/{m}/report": [302, 200, 404, 404, 404, 404, 404],
    "/cohorts/reports/{rp}": [302, 200, 404, 200, 404, 404, 404],
    "/cohorts/reports/{rp}/file": [302, 404, 404, 404, 404, 404, 404],  # no file: see test_progress_access
    "/festival/calls/{c}": [200, 200, 200, 200, 200, 200, 200],
    "/staff/cohorts/{k}/completion": [302, 403, 403, 200, 403, 403, 403],
    "/staff/cohorts/{k}/invitations": [302, 403, 403, 200, 403, 403, 403],
    "/staff/certificates/{ct}/revoke": [302, 403, 403, 200, 403, 403, 403],
    # The owner holds certificate {ct}: only they and staff download it; anyone else is told it does not exist.
    "/certificates/{ct}/certificate.pdf": [302, 200, 404, 200, 404, 404, 404],
    # The owner's pair {p} has a mentor of its own (not the MENTOR column): only that mentor opens the mentee page.
    "/mentoring/mentees/{p}": [302, 403, 403, 403, 404, 403, 403],
    "/mentoring/pairs/{p}/meetings/new": [302, 200, 404, 404, 404, 404, 404],
    "/staff/cohorts/{k}/mentoring": [302, 403, 403, 200, 403, 403, 403],
    "/staff/mentoring/pairs/{p}/end": [302, 403, 403, 200, 403, 403, 403],
    # Matching: the needs page is the participant's own; the pair {p} is offered to a mentor of its own.
    "/mentoring/needs/{k}": [302, 200, 404, 404, 404, 404, 404],
    "/mentoring/pairs/{p}/decline": [302, 403, 403, 403, 404, 403, 403],
    "/staff/cohorts/{k}/matching": [302, 403, 403, 200, 403, 403, 403],
    "/staff/cohorts/{k}/matching/runs/1": [302, 403, 403, 404, 403, 403, 403],  # 404: no run yet
    "/staff/mentors/{u}/profile": [302, 403, 403, 200, 403, 403, 403],
}


def _booking_of(application) -> object:
    """A live hold of a stall of the application's edition, by its applicant."""
    from tests.stalls.factories import BookingFactory, StallFactory, ZoneFactory

    stall = StallFactory(zone=ZoneFactory(edition=application.call.edition))
    return BookingFactory(stall=stall, application=application)


def _cohort_of(application) -> tuple:
    """A cohort with the application's applicant admitted, and one session of it."""
    from tests.cohorts.factories import ParticipantFactory, SessionFactory

    participant = ParticipantFactory(application=application)
    return participant, SessionFactory(cohort=participant.cohort)


def _cohort_ids(participant) -> dict:
    """What cohorts and mentoring add to a URL: the participant's certificate, their pair with a mentor of its own
    (not the MENTOR column's user), a meeting of it, the mentor serving the cohort and a forbid rule."""
    from app.mentoring.models import PairRule, RuleKind
    from tests.cohorts.completion_factories import CertificateFactory
    from tests.cohorts.factories import MilestoneFactory
    from tests.cohorts.progress_factories import ReportFactory
    from tests.mentoring.factories import CohortMentorFactory, MeetingFactory, MentorshipFactory

    pair = MentorshipFactory(participant=participant, accepted=True)
    link = CohortMentorFactory(cohort=participant.cohort, mentor=pair.mentor)
    rule = PairRule(cohort_id=participant.cohort_id, participant_id=participant.id, mentor_id=pair.mentor_id,
                    kind=RuleKind.FORBID)
    db.session.add(rule)
    db.session.commit()
    report = ReportFactory(participant=participant, milestone=MilestoneFactory(cohort=participant.cohort))
    return {"milestone_id": report.milestone_id, "report_id": report.id,
            "certificate_id": CertificateFactory(participant=participant).id, "mentorship_id": pair.id,
            "meeting_id": MeetingFactory(mentorship=pair).id, "user_id": pair.mentor_id, "link_id": link.id,
            "rule_id": rule.id, "number": 1}


@pytest.mark.parametrize("role", OBJECT_ROLES)
def test_role_object_page_table(client, login, user_factory, role):
    from tests.factories import AssignmentFactory

    assignment = AssignmentFactory()
    application = assignment.application
    booking = _booking_of(application)
    participant, session = _cohort_of(application)
    ids = {"a": application.id, "r": assignment.id, "c": application.call_id, "e": application.call.edition_id,
           "b": booking.id, "s": booking.stall_id, "z": booking.stall.zone_id, "k": participant.cohort_id,
           "cs": session.id}
    more = _cohort_ids(participant)
    ids.update(ct=more["certificate_id"], p=more["mentorship_id"], u=more["user_id"], m=more["milestone_id"],
               rp=more["report_id"])
    users = {OWNER: application.applicant, OTHER_APPLICANT: user_factory(), STAFF: user_factory(staff=True),
             MENTOR: user_factory(mentor=True), ASSIGNED: assignment.reviewer,
             OTHER_REVIEWER: user_factory(reviewer=True)}
    if role != ANON:
        login(users[role])
    column = OBJECT_ROLES.index(role)
    got = {page: client.get(page.format(**ids)).status_code for page in OBJECT_ACCESS}
    assert got == {page: statuses[column] for page, statuses in OBJECT_ACCESS.items()}


# Who may send a form (POST, and any other writing method) where; everyone else is refused with the status given.
# Columns as OBJECT_ROLES without the visitor (tested above): owner, other applicant, staff, mentor, assigned
# reviewer, other reviewer. A number is the refusal they get; ok means they may (not exercised here: what a write
# does is tested with its feature). 403: the role decorator; 404: an object check that hides what exists.
ok = None
WRITE_ROLES = OBJECT_ROLES[1:]
STAFF_ONLY = [403, 403, ok, 403, 403, 403]
ANY_USER = [ok, ok, ok, ok, ok, ok]
WRITE_ACCESS = {
    ("accounts.change_password", "POST"): ANY_USER,
    ("accounts.end_other_sessions", "POST"): ANY_USER,
    ("accounts.logout", "POST"): ANY_USER,
    ("accounts.profile", "POST"): ANY_USER,
    ("staff.person", "POST"): STAFF_ONLY,
    ("privacy.my_data_delete", "POST"): ANY_USER,  # acts on the signed-in user only
    ("privacy.guardian_details", "POST"): [ok, 404, 404, 404, 404, 404],
    ("privacy.reveal_nik", "POST"): [403, 403, 403, 403, 403, 403],  # staff holding the data officer role only
    ("festival.start", "POST"): [ok, ok, 403, 403, 403, 403],
    ("festival.step", "POST"): [ok, 404, 404, 404, 404, 404],
    ("festival.autosave", "POST"): [ok, 404, 404, 404, 404, 404],
    ("festival.withdraw", "POST"): [ok, 404, 404, 404, 404, 404],
    ("festival.delete_file", "POST"): [ok, 404, 404, 404, 404, 404],
    ("festival.review", "POST"): [403, 403, 403, 403, ok, 404],
    ("festival.declare_conflict", "POST"): [403, 403, 403, 403, ok, 404],
    ("festival.desk_list", "POST"): STAFF_ONLY,
    ("festival.desk_application", "POST"): STAFF_ONLY,
    ("festival.desk_offer_place", "POST"): STAFF_ONLY,
    ("festival.assign_reviewer", "POST"): STAFF_ONLY,
    ("festival.remove_assignment", "POST"): STAFF_ONLY,
    ("festival.distribute", "POST"): STAFF_ONLY,
    ("festival.new_edition", "POST"): STAFF_ONLY,
    ("festival.edit_edition", "POST"): STAFF_ONLY,
    ("festival.new_call", "POST"): STAFF_ONLY,
    ("festival.edit_call", "POST"): STAFF_ONLY,
    ("festival.new_question", "POST"): STAFF_ONLY,
    ("festival.edit_question", "POST"): STAFF_ONLY,
    ("festival.delete_question", "POST"): STAFF_ONLY,
    ("festival.move_question", "POST"): STAFF_ONLY,
    ("festival.new_criterion", "POST"): STAFF_ONLY,
    ("festival.edit_criterion", "POST"): STAFF_ONLY,
    ("festival.delete_criterion", "POST"): STAFF_ONLY,
    ("festival.move_criterion", "POST"): STAFF_ONLY,
    ("staff.invitations", "POST"): STAFF_ONLY,
    ("staff.revoke_invitation", "POST"): STAFF_ONLY,
    ("stalls.cancel", "POST"): [ok, 404, 404, 404, 404, 404],
    ("stalls.desk_waive", "POST"): STAFF_ONLY,
    ("stalls.desk_move", "POST"): STAFF_ONLY,
    ("stalls.desk_mark_paid", "POST"): STAFF_ONLY,
    ("stalls.desk_cancel", "POST"): STAFF_ONLY,
    ("stalls.desk_assign", "POST"): STAFF_ONLY,
    ("stalls.hold", "POST"): [ok, 404, 403, 403, 403, 403],
    ("stalls.pay", "POST"): [ok, 404, 403, 403, 403, 403],
    ("stalls.staff_settings", "POST"): STAFF_ONLY,
    ("stalls.new_zone", "POST"): STAFF_ONLY,
    ("stalls.edit_zone", "POST"): STAFF_ONLY,
    ("stalls.new_stall", "POST"): STAFF_ONLY,
    ("stalls.edit_stall", "POST"): STAFF_ONLY,
    ("stalls.block_stall", "POST"): STAFF_ONLY,
    ("stalls.unblock_stall", "POST"): STAFF_ONLY,
    ("stalls.import_stalls", "POST"): STAFF_ONLY,
    ("stalls.copy_layout", "POST"): STAFF_ONLY,
    ("accounts.resend_confirmation", "POST"): ANY_USER,
    ("festival.desk_revise", "POST"): STAFF_ONLY,
    ("festival.desk_clear_draft", "POST"): STAFF_ONLY,
    ("festival.desk_release", "POST"): STAFF_ONLY,
    ("cohorts.reset_calendar", "POST"): ANY_USER,
    ("cohorts.new_cohort", "POST"): STAFF_ONLY,
    ("cohorts.edit_cohort", "POST"): STAFF_ONLY,
    ("cohorts.admit", "POST"): STAFF_ONLY,
    ("cohorts.withdraw_participant", "POST"): STAFF_ONLY,
    ("cohorts.new_session", "POST"): STAFF_ONLY,
    ("cohorts.edit_session", "POST"): STAFF_ONLY,
    ("cohorts.confirm_all", "POST"): STAFF_ONLY,
    ("cohorts.confirm_one", "POST"): STAFF_ONLY,
    ("cohorts.revoke_certificate", "POST"): STAFF_ONLY,
    ("cohorts.staff_invitations", "POST"): STAFF_ONLY,
    ("cohorts.revoke_invitation", "POST"): STAFF_ONLY,
    ("cohorts.invitation", "POST"): [404, 404, 404, 404, 404, 404],  # the sample token is nobody's invitation
    ("mentoring.new_meeting", "POST"): [ok, 404, 404, 404, 404, 404],  # either side of the pair; else 404
    ("mentoring.rate_meeting", "POST"): [ok, 404, 404, 404, 404, 404],  # only the pair's participant
    ("mentoring.reset_calendar", "POST"): [403, 403, 403, ok, 403, 403],
    ("mentoring.end_pair", "POST"): STAFF_ONLY,
    ("cohorts.mark_attendance", "POST"): STAFF_ONLY,
    ("cohorts.new_milestone", "POST"): STAFF_ONLY,
    ("cohorts.edit_milestone", "POST"): STAFF_ONLY,
    ("cohorts.delete_milestone", "POST"): STAFF_ONLY,
    ("cohorts.submit_report", "POST"): [ok, 404, 404, 404, 404, 404],  # only the cohort's participant; else 404
    ("cohorts.report", "POST"): [ok, 404, ok, 404, 404, 404],  # a comment: the author, their mentor, staff
    ("cohorts.decide_report", "POST"): STAFF_ONLY,
    ("mentoring.profile", "POST"): [403, 403, 403, ok, 403, 403],
    ("mentoring.staff_profile", "POST"): STAFF_ONLY,
    ("mentoring.needs", "POST"): [ok, 404, 404, 404, 404, 404],  # only the cohort's participant themself
    ("mentoring.add_cohort_mentor", "POST"): STAFF_ONLY,
    ("mentoring.remove_cohort_mentor", "POST"): STAFF_ONLY,
    ("mentoring.add_rule", "POST"): STAFF_ONLY,
    ("mentoring.remove_rule", "POST"): STAFF_ONLY,
    ("mentoring.start_run", "POST"): STAFF_ONLY,
    ("mentoring.publish_run", "POST"): STAFF_ONLY,
    ("mentoring.accept_pair", "POST"): [403, 403, 403, 404, 403, 403],  # the pair's own mentor only; else 404
    ("mentoring.decline_pair", "POST"): [403, 403, 403, 404, 403, 403],
}


def test_write_table_covers_every_method_but_get_of_every_closed_endpoint(app):
    writes = {(rule.endpoint, method) for rule in app.url_map.iter_rules() if rule.endpoint not in PUBLIC_ENDPOINTS
              for method in methods_of(rule) if method != "GET"}
    assert writes == set(WRITE_ACCESS), f"add to WRITE_ACCESS: {sorted(writes - set(WRITE_ACCESS))}"


def _world(user_factory) -> tuple[dict, dict]:
    """One of everything a URL can name, and a user per column of the tables."""
    from app.festival.models.application import ApplicationFile, FileKind
    from tests.factories import AssignmentFactory, InvitationFactory

    assignment = AssignmentFactory()
    application = assignment.application
    call = application.call
    photo = ApplicationFile(application=application, kind=FileKind.PHOTO, original_name="a.jpg",
                            storage_key="planted-test-key", content_type="image/jpeg", size_bytes=1, sha256="0" * 64)
    db.session.add(photo)
    db.session.commit()
    booking = _booking_of(application)
    participant, session = _cohort_of(application)
    ids = {"application_id": application.id, "step": 1, "call_id": call.id, "edition_id": call.edition_id,
           "question_id": call.questions[0].id, "criterion_id": call.criteria[0].id, "assignment_id": assignment.id,
           "file_id": photo.id, "invitation_id": InvitationFactory().id, "message_id": 1, "token": "sample",
           "booking_id": booking.id, "stall_id": booking.stall_id, "zone_id": booking.stall.zone_id,
           "cohort_id": participant.cohort_id, "participant_id": participant.id, "session_id": session.id,
           **_cohort_ids(participant)}
    users = {OWNER: application.applicant, OTHER_APPLICANT: user_factory(), STAFF: user_factory(staff=True),
             MENTOR: user_factory(mentor=True), ASSIGNED: assignment.reviewer,
             OTHER_REVIEWER: user_factory(reviewer=True)}
    return ids, users


def _refusals_that_did_not_happen(app, client, ids, role) -> list[str]:
    """Send every write this role may not make; list those not refused as the table says."""
    token = csrf_token(text(client.get("/account")))
    column = WRITE_ROLES.index(role)
    wrong = []
    for rule in app.url_map.iter_rules():
        for method in methods_of(rule):
            expected = WRITE_ACCESS.get((rule.endpoint, method), [ok] * len(WRITE_ROLES))[column]
            if expected is ok:
                continue
            url = app.url_map.bind("localhost").build(rule.endpoint, {k: ids[k] for k in rule.arguments})
            status = client.open(url, method=method, data={"csrf_token": token}).status_code
            if status != expected:
                wrong.append(f"{method} {rule.endpoint}: {status}, not {expected}")
    return wrong


@pytest.mark.parametrize("role", WRITE_ROLES)
def test_role_write_table(app, client, login, user_factory, role):
    ids, users = _world(user_factory)
    login(users[role])
    assert _refusals_that_did_not_happen(app, client, ids, role) == []


def test_the_write_table_catches_a_staff_post_route_without_its_decorator(app, client, login, user_factory,
                                                                          monkeypatch):
    """The planted fault: the same route with its @staff_required taken off lets an applicant through."""
    ids, users = _world(user_factory)
    bare = app.view_functions["festival.delete_question"].__wrapped__  # what @staff_required wrapped
    monkeypatch.setitem(app.view_functions, "festival.delete_question", bare)
    login(users[OTHER_APPLICANT])
    wrong = _refusals_that_did_not_happen(app, client, ids, OTHER_APPLICANT)
    assert [line.split(":")[0] for line in wrong] == ["POST festival.delete_question"]
