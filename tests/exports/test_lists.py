"""Exporting the other staff lists: stalls and bookings, payments and refunds, cohort participants, attendance,
mentoring meetings. Each keeps its page's filters, opens as CSV and as XLSX with the same rows, shows NIK and phone to
a data officer only, is refused to non-staff and is logged once with its row count."""

from datetime import UTC, date, datetime

import pytest

from app.cohorts.models import AttendanceStatus
from app.core.clock import freeze
from app.extensions import db
from app.festival.models.application import ApplicationStatus
from app.payments.models import PaymentStatus, Refund, RefundReason, RefundStatus
from tests.cohorts.factories import AttendanceFactory, CohortFactory, ParticipantFactory, SessionFactory, accepted_in
from tests.exports.conftest import column, csv_rows, entries, xlsx_rows
from tests.factories import ApplicationFactory, CallFactory, EditionFactory, UserFactory
from tests.helpers import text
from tests.mentoring.factories import MeetingFactory, MentorshipFactory
from tests.payments.factories import card_payment
from tests.stalls.factories import BookingFactory, StallFactory, ZoneFactory

NOW = datetime(2027, 12, 1, 2, 0, tzinfo=UTC)  # 10:00 in Denpasar
AYU = "Ni Ketut Ayu Wulandari"
RAI = "Gusti Ngurah Rai Ṣ"


@pytest.fixture(autouse=True)
def _frozen():
    freeze(NOW)


def both(client, url: str, **query) -> tuple[list[list[str]], list[list]]:
    """The CSV and the XLSX of `url`, checked to hold the same rows (as text)."""
    from_csv = csv_rows(client.get(url, query_string={**query, "format": "csv"}))
    sheet = xlsx_rows(client.get(url, query_string={**query, "format": "xlsx"}))
    assert len(sheet) == len(from_csv)
    assert sheet[0] == from_csv[0]
    return from_csv, sheet


# --- stalls and bookings -------------------------------------------------------------------------------------------


@pytest.fixture
def ground():
    zone_a, = [ZoneFactory()]
    zone_b = ZoneFactory(edition_id=zone_a.edition_id)
    booked = StallFactory(zone=zone_a, code="A-01", price=750_000)
    StallFactory(zone=zone_a, code="A-02")
    StallFactory(zone=zone_b, code="B-01")
    from app.festival.models import Edition

    edition = db.session.get(Edition, zone_a.edition_id)
    application = ApplicationFactory(call=CallFactory(edition=edition), submitted=True,
                                     status=ApplicationStatus.ACCEPTED, full_name=AYU, nik="5171010101040001",
                                     phone_e164="+6281234567890", business_name="@Tenun Ayu")
    BookingFactory(stall=booked, application=application, confirmed=True)
    return edition, zone_b


def test_stalls_export_keeps_the_overviews_filters(client, staff, ground):
    edition, zone_b = ground
    url = f"/staff/exports/editions/{edition.id}/stalls"
    rows, sheet = both(client, url)
    assert column(rows, "Stall") == ["A-01", "A-02", "B-01"] == column(sheet, "Stall")
    assert column(rows, "State") == ["Booked", "Free", "Free"]
    assert column(rows, "Name") == [AYU, "", ""]
    assert column(rows, "Business")[0] == "'@Tenun Ayu"  # defused in CSV
    assert column(sheet, "Business")[0] == "@Tenun Ayu"  # plain text in XLSX
    assert column(rows, "Price (IDR)")[0] == "750000" and column(sheet, "Price (IDR)")[0] == 750000
    assert column(rows, "Confirmed (Asia/Makassar)")[0] == "2027-12-01 10:00"
    assert "NIK" not in rows[0] and "Phone" not in rows[0]
    rows = csv_rows(client.get(url, query_string={"format": "csv", "state": "booked"}))
    assert column(rows, "Stall") == ["A-01"]
    rows = csv_rows(client.get(url, query_string={"format": "csv", "zone": zone_b.id}))
    assert column(rows, "Stall") == ["B-01"]
    logged = entries("exports.stalls")
    assert [entry.after["rows"] for entry in logged] == [3, 3, 1, 1]
    assert logged[2].after["filters"] == {"edition_id": edition.id, "state": "booked"}
    html = text(client.get(f"/staff/editions/{edition.id}/stalls", query_string={"state": "booked"}))
    assert f"/staff/exports/editions/{edition.id}/stalls?format=xlsx&amp;state=booked" in html


def test_stalls_export_shows_the_holders_nik_and_phone_to_a_data_officer(client, officer, ground):
    edition, _zone = ground
    rows, sheet = both(client, f"/staff/exports/editions/{edition.id}/stalls")
    assert column(rows, "NIK") == ["5171010101040001", "", ""]
    assert column(sheet, "NIK") == ["5171010101040001", None, None]  # text, not a number that loses digits
    assert column(rows, "Phone")[0] == "'+6281234567890"  # a leading + is defused in CSV too
    assert column(sheet, "Phone")[0] == "+6281234567890"
    assert entries("exports.stalls")[0].after["personal_columns"] is True


# --- payments and refunds ------------------------------------------------------------------------------------------


@pytest.fixture
def ledger():
    rai = UserFactory(name=RAI, phone_e164="+6281299990000")
    paid = card_payment(rai, amount=1_250_000, status=PaymentStatus.SUCCEEDED, intent_id="pi_paid")
    card_payment(UserFactory(name=AYU), amount=500_000, intent_id="pi_pending")
    db.session.add(Refund(payment_id=paid.id, amount=250_000, reason=RefundReason.CANCELLED_BY_STAFF,
                          status=RefundStatus.SUCCEEDED))
    db.session.commit()
    return paid


def test_payments_export_follows_the_ledgers_status_filter(client, staff, ledger):
    rows, sheet = both(client, "/staff/exports/payments")
    assert column(rows, "Paid by") == [AYU, RAI] == column(sheet, "Paid by")  # newest first, as the ledger
    assert column(sheet, "Amount") == [500_000, 1_250_000]  # whole rupiah, as numbers
    rows = csv_rows(client.get("/staff/exports/payments", query_string={"format": "csv", "status": "succeeded"}))
    assert column(rows, "Payment number") == [str(ledger.id)]
    assert column(rows, "Status") == ["Paid"]
    assert "Phone" not in rows[0]
    assert [entry.after["rows"] for entry in entries("exports.payments")] == [2, 2, 1]


def test_refunds_export(client, officer, ledger):
    rows, sheet = both(client, "/staff/exports/refunds", status="succeeded")
    assert column(rows, "Payment number") == [str(ledger.id)]
    assert column(sheet, "Amount") == [250_000]
    assert column(rows, "Reason") == ["Cancelled by the programme team"]
    assert column(rows, "Phone") == ["'+6281299990000"]
    rows = csv_rows(client.get("/staff/exports/refunds", query_string={"format": "csv", "status": "pending"}))
    assert len(rows) == 1  # the header alone: no refund of a pending payment
    logged = entries("exports.refunds")
    assert [(e.after["rows"], e.after["personal_columns"], e.target_label) for e in logged] == [
        (1, True, "refunds.csv"), (1, True, "refunds.xlsx"), (0, True, "refunds.csv")]


def test_the_ledger_page_links_to_both_exports_with_its_filter(client, staff, ledger):
    html = text(client.get("/payments/", query_string={"status": "succeeded"}))
    assert "/staff/exports/payments?format=csv&amp;status=succeeded" in html
    assert "/staff/exports/refunds?format=xlsx&amp;status=succeeded" in html


# --- cohorts: participants and attendance --------------------------------------------------------------------------


@pytest.fixture
def cohort_world():
    edition = EditionFactory()
    cohort = CohortFactory(edition=edition)
    ayu_application = accepted_in(edition, name=AYU)
    ayu_application.nik, ayu_application.phone_e164 = "5171010101040001", "+6281234567890"
    db.session.commit()
    ayu = ParticipantFactory(cohort=cohort, application=ayu_application)
    rai = ParticipantFactory(cohort=cohort, user_id=UserFactory(name=RAI).id)
    ParticipantFactory(cohort=CohortFactory())  # another cohort's
    session = SessionFactory(cohort=cohort)
    AttendanceFactory(session=session, participant=ayu, status=AttendanceStatus.LATE)
    AttendanceFactory(session=SessionFactory(cohort=cohort), participant=rai)  # another session's mark
    return cohort, session, ayu_application


def test_participants_export(client, officer, cohort_world):
    cohort, _session, application = cohort_world
    rows, sheet = both(client, f"/staff/exports/cohorts/{cohort.id}/participants")
    assert sorted(column(rows, "Name")) == sorted([AYU, RAI])
    by_name = dict(zip(column(sheet, "Name"), column(sheet, "NIK"), strict=True))
    assert by_name == {AYU: "5171010101040001", RAI: None}
    assert application.reference in column(rows, "Application")
    logged = entries("exports.participants")  # the CSV, then the XLSX
    assert [entry.target_label for entry in logged] == ["participants.csv", "participants.xlsx"]
    assert logged[0].after == {"rows": 2, "filters": {"cohort_id": cohort.id}, "personal_columns": True}


def test_attendance_export_is_the_sessions_sheet(client, staff, cohort_world):
    _cohort, session, _application = cohort_world
    rows, sheet = both(client, f"/staff/exports/cohorts/sessions/{session.id}/attendance")
    assert dict(zip(column(rows, "Name"), column(rows, "Attendance"), strict=True)) == {AYU: "Late", RAI: ""}
    assert "Phone" not in sheet[0]
    assert [entry.after["rows"] for entry in entries("exports.attendance")] == [2, 2]
    html = text(client.get(f"/staff/cohorts/sessions/{session.id}/attendance"))
    assert f"/staff/exports/cohorts/sessions/{session.id}/attendance?format=csv" in html


# --- mentoring meetings --------------------------------------------------------------------------------------------


def test_meetings_export_keeps_the_quiet_filter(client, staff, cohort_world):
    cohort, _session, _application = cohort_world
    participants = sorted(cohort.participants, key=lambda p: p.id)
    quiet = MentorshipFactory(participant=participants[0], accepted=True)
    busy = MentorshipFactory(participant=participants[1], accepted=True)
    MeetingFactory(mentorship=quiet, held_on=date(2027, 9, 10), topics="=pricing", rating=4)
    MeetingFactory(mentorship=busy, held_on=date(2027, 11, 25), topics="Export to Darwin")
    url = f"/staff/exports/cohorts/{cohort.id}/meetings"
    rows, sheet = both(client, url)
    assert column(rows, "Date") == ["2027-09-10", "2027-11-25"]
    assert column(sheet, "Date")[0] == datetime(2027, 9, 10)
    assert column(rows, "Topics") == ["'=pricing", "Export to Darwin"]
    assert column(rows, "Participant") == [AYU, RAI]
    assert "Went through" not in str(rows)  # notes stay between mentor and mentee
    rows = csv_rows(client.get(url, query_string={"format": "csv", "quiet": "1"}))
    assert column(rows, "Date") == ["2027-09-10"]
    assert [entry.after["rows"] for entry in entries("exports.meetings")] == [2, 2, 1]
    assert entries("exports.meetings")[-1].after["filters"] == {"cohort_id": cohort.id, "quiet": True}
    html = text(client.get(f"/staff/cohorts/{cohort.id}/mentoring", query_string={"quiet": "1"}))
    assert f"/staff/exports/cohorts/{cohort.id}/meetings?format=csv&amp;quiet=1" in html


# --- access ----------------------------------------------------------------------------------------------------------

URLS = ["/staff/exports/applications", "/staff/exports/editions/1/stalls", "/staff/exports/payments",
        "/staff/exports/refunds", "/staff/exports/cohorts/1/participants",
        "/staff/exports/cohorts/sessions/1/attendance", "/staff/exports/cohorts/1/meetings"]


@pytest.mark.parametrize("roles", [{"applicant"}, {"mentor"}, {"reviewer"}, {"data_officer"}])
def test_only_staff_may_export(client, login, roles):
    login(UserFactory(roles=roles, date_of_birth=None))
    for url in URLS:
        assert client.get(url, query_string={"format": "xlsx"}).status_code == 403, url
    assert entries("exports.applications") == []


def test_anonymous_visitors_are_sent_to_log_in(client):
    for url in URLS:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_staff_get_every_export_and_an_unread_body_holds_nothing_open(client, staff, ground, cohort_world):
    edition, _zone = ground
    cohort, session, _application = cohort_world
    urls = [url.replace("editions/1/", f"editions/{edition.id}/").replace("cohorts/1/", f"cohorts/{cohort.id}/")
            .replace("sessions/1/", f"sessions/{session.id}/") for url in URLS]
    for fmt in ("csv", "xlsx"):
        # Only the status is read (as the permission tables do): the CSV's rows are never queried, and the
        # tables are emptied after the test without waiting for a reader (PostgreSQL's TRUNCATE would).
        assert [client.get(url, query_string={"format": fmt}).status_code for url in urls] == [200] * len(urls)
    assert len(entries("exports.applications")) == 2
