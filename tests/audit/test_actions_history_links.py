"""Each object's staff page links to its history in the audit log; the link opens the entries about that object."""

from html import escape, unescape

import pytest
from sqlalchemy import inspect

from app.accounts.models import User
from app.extensions import db
from app.mentoring.models import MatchRun
from tests.cohorts.factories import CohortFactory, MilestoneFactory, ParticipantFactory, SessionFactory
from tests.cohorts.progress_factories import ReportFactory
from tests.core.test_html import assert_valid
from tests.factories import ApplicationFactory, CallFactory, EditionFactory, InvitationFactory, UserFactory
from tests.helpers import submit, text
from tests.mentoring.factories import MentorshipFactory
from tests.stalls.desk_world import book, ground, paid_by_transfer
from tests.stalls.factories import StallFactory, ZoneFactory


def _run():
    run = MatchRun(cohort_id=CohortFactory().id, number=1)
    db.session.add(run)
    db.session.commit()
    return run


def _booking():
    _edition, (stall,) = ground(1)
    return book(stall)


def _payment():
    _edition, (stall,) = ground(1)
    return paid_by_transfer(book(stall, confirmed=True))


def _cohort_invitation():
    from app.cohorts.services import invitations

    cohort = CohortFactory()
    staff = UserFactory(staff=True)
    invitation = invitations.invite(staff, cohort, "wayan@example.org", "en")
    db.session.commit()
    return invitation


# (what, how to make it, its staff page)
PAGES = [
    ("application", lambda: ApplicationFactory(submitted=True), lambda row: f"/staff/applications/{row.id}"),
    ("call", CallFactory, lambda row: f"/staff/calls/{row.id}"),
    ("edition", EditionFactory, lambda row: f"/staff/editions/{row.id}"),
    ("booking", _booking, lambda row: f"/staff/stalls/bookings/{row.id}"),
    ("stall", StallFactory, lambda row: f"/staff/stalls/{row.id}/edit"),
    ("zone", ZoneFactory, lambda row: f"/staff/zones/{row.id}/edit"),
    ("payment", _payment, lambda row: f"/payments/{row.id}/receipt"),
    ("cohort", CohortFactory, lambda row: f"/staff/cohorts/{row.id}"),
    ("participant", ParticipantFactory, lambda row: f"/staff/cohorts/{row.cohort_id}"),
    ("session", SessionFactory, lambda row: f"/staff/cohorts/sessions/{row.id}/edit"),
    ("milestone", MilestoneFactory, lambda row: f"/staff/cohorts/milestones/{row.id}/edit"),
    ("report", ReportFactory, lambda row: f"/cohorts/reports/{row.id}"),
    ("match run", _run, lambda row: f"/staff/cohorts/{row.cohort_id}/matching/runs/1"),
    ("mentorship", lambda: MentorshipFactory(accepted=True), lambda row: f"/staff/mentoring/pairs/{row.id}/end"),
    ("invitation", InvitationFactory, lambda row: "/staff/invitations"),
    ("cohort invitation", _cohort_invitation, lambda row: f"/staff/cohorts/{row.cohort_id}/invitations"),
]


def history_href(row) -> str:
    return escape(f"/staff/audit/?target_type={row.__tablename__}&target_id={inspect(row).identity[0]}")


@pytest.mark.parametrize(("what", "make", "page"), PAGES, ids=[p[0] for p in PAGES])
def test_the_staff_page_links_to_the_objects_history(client, login, what, make, page):
    row = make()
    login(UserFactory(staff=True, locale="en"))
    response = client.get(page(row))
    assert response.status_code == 200
    html = text(response)
    assert f'href="{history_href(row)}"' in html, what
    assert_valid(html, f"{what} page with its history link")


def test_the_link_opens_the_entries_about_that_object(client, login):
    edition = EditionFactory(venue="Taman Kota Lumintang")
    other = EditionFactory()
    staff = UserFactory(staff=True, locale="en", name="Made Staf")
    login(staff)
    data = {"name": "D'Youth Festival 2027", "slug": edition.slug, "code": edition.code, "starts_on": "2027-08-14",
            "ends_on": "2027-08-16", "venue": "Lapangan Puputan Badung", "description": "",
            "applications_open_at": "2027-03-01T08:00", "applications_close_at": "2027-05-31T23:59",
            "status": "published"}
    assert submit(client, f"/staff/editions/{edition.id}/edit", data).status_code == 302
    assert submit(client, f"/staff/editions/{other.id}/edit",
                  {**data, "slug": other.slug, "code": other.code}).status_code == 302
    html = text(client.get(f"/staff/editions/{edition.id}"))
    history = text(client.get(unescape(history_href(edition))))
    assert history_href(edition) in html
    assert "Festival edition changed" in history and "Made Staf" in history and "Taman Kota Lumintang" in history
    assert history.count('<tr id="entry-') == 1  # the other edition's change is not in this history


@pytest.mark.parametrize("who", ["payer", "author"])
def test_people_outside_the_staff_see_no_history_link(client, login, who):
    if who == "payer":
        row = _payment()
        login(db.session.get(User, row.payer_id))
        url = f"/payments/{row.id}/receipt"
    else:
        row = ReportFactory()
        from app.cohorts.models import CohortParticipant

        login(db.session.get(CohortParticipant, row.participant_id).user)
        url = f"/cohorts/reports/{row.id}"
    html = text(client.get(url))
    assert "/staff/audit/" not in html
