"""Demo incubator for `flask seed-demo`: a cohort run with a Darwin partner, its curriculum and milestones, the two
demo mentors with profiles, two participants with needs, one active pair with a meeting and one pair offered to its
mentor. Written through the models (the matcher's own path is shown by running it from the staff page)."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.accounts.models import User
from app.cohorts.models import (
    Attendance,
    AttendanceStatus,
    Cohort,
    CohortMode,
    CohortParticipant,
    CohortSession,
    Milestone,
    SessionKind,
    SessionLanguage,
)
from app.core.clock import now_utc
from app.core.i18n import TimeZone
from app.core.vocab import Subsector
from app.extensions import db
from app.festival.models import Application
from app.festival.models.application import ApplicationStatus
from app.mentoring.models import CohortMentor, Meeting, MentorProfile, Mentorship, MentorshipStatus, ParticipantNeeds
from app.mentoring.vocab import Function, Language

COHORT_NAME = "Inkubator Kreatif Denpasar–Darwin"
WITA = ZoneInfo(TimeZone.DENPASAR)

MENTORS = {  # e-mail → organisation, subsectors, functions, capacity, bio
    "mentor.sarah@demo.dyouth.id": ("Darwin Innovation Hub", [Subsector.CULINARY, Subsector.CRAFTS],
                                    [Function.EXPORT, Function.MARKETING], 4,
                                    "Helped twenty Territory food brands find shops in Asia."),
    "mentor.james@demo.dyouth.id": ("Charles Darwin University", [Subsector.PERFORMING_ARTS, Subsector.MUSIC],
                                    [Function.DIGITAL, Function.FUNDRAISING], 3,
                                    "Runs a creative-industries programme; books shows across the Top End."),
}


def _at(day, hour: int, minute: int = 0) -> datetime:
    """A Denpasar wall-clock time, in UTC."""
    return datetime.combine(day, time(hour, minute), tzinfo=WITA).astimezone(UTC)


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _profiles() -> dict[str, User]:
    mentors = {}
    for email, (organisation, subsectors, functions, capacity, bio) in MENTORS.items():
        mentor = _user(email)
        if db.session.scalar(select(MentorProfile).where(MentorProfile.user_id == mentor.id)) is None:
            db.session.add(MentorProfile(
                user_id=mentor.id, organisation=organisation, country="AU", subsectors=[s.value for s in subsectors],
                functions=[f.value for f in functions], languages=[Language.ENGLISH.value], capacity=capacity,
                hours_start=time(8, 30), hours_end=time(16, 30), zone=TimeZone.DARWIN, bio=bio))
        mentors[email] = mentor
    return mentors


def _curriculum(cohort: Cohort, today) -> list[CohortSession]:
    sessions = [
        (SessionKind.WORKSHOP, "Kanvas model bisnis", "Business model canvas", "Ni Luh Putu Staf", False,
         _at(today - timedelta(days=5), 10), "Gedung Dharma Negara Alaya, Denpasar", "", SessionLanguage.INDONESIAN),
        (SessionKind.MENTORING_CLINIC, "Klinik ekspor bersama Darwin", "Export clinic with Darwin", "Sarah Mitchell",
         True, _at(today + timedelta(days=2), 10), "", "https://meet.example.org/dyouth-export",
         SessionLanguage.ENGLISH),
        (SessionKind.TRAINING, "Foto produk dengan ponsel", "Product photos with a phone", "Komunitas Foto Bali",
         False, _at(today + timedelta(days=9), 14), "Gedung Dharma Negara Alaya, Denpasar", "",
         SessionLanguage.INDONESIAN),
        (SessionKind.DEMO_DAY, "Hari demo", "Demo day", "Tim D'Youth", True, _at(today + timedelta(days=60), 9),
         "Taman Budaya Bali, Denpasar", "https://meet.example.org/dyouth-demo-day", SessionLanguage.INDONESIAN),
    ]
    rows = []
    for kind, title_ind, title_en, facilitator, darwin, starts, place, link, language in sessions:
        rows.append(CohortSession(
            cohort=cohort, kind=kind, title_ind=title_ind, title_en=title_en, facilitator=facilitator,
            facilitator_in_darwin=darwin, starts_at=starts, ends_at=starts + timedelta(hours=2), place=place,
            online_url=link, language=language, zone=TimeZone.DENPASAR))
    db.session.add_all(rows)
    return rows


def seed_demo_incubator(staff: User) -> None:
    if db.session.scalar(select(Cohort).where(Cohort.name_ind == COHORT_NAME)) is not None:
        return
    today = now_utc().astimezone(WITA).date()
    cohort = Cohort(name_ind=COHORT_NAME, name_en="Denpasar–Darwin creative incubator",
                    partner="Darwin Innovation Hub", starts_on=today - timedelta(days=7),
                    ends_on=today + timedelta(days=80), capacity=20, mode=CohortMode.MIXED,
                    description="Dua belas minggu pendampingan usaha kreatif bersama mitra dari Darwin.")
    db.session.add(cohort)
    sessions = _curriculum(cohort, today)
    for title_ind, title_en, days in [("Kanvas model bisnis", "Business model canvas", 7),
                                      ("Penjualan pertama", "First sale", 35), ("Dek pitching", "Pitch deck", 56)]:
        db.session.add(Milestone(cohort=cohort, title_ind=title_ind, title_en=title_en, required=True,
                                 due_on=today + timedelta(days=days)))
    made, wayan = _user("made@demo.dyouth.id"), _user("wayan@demo.dyouth.id")
    application = db.session.scalar(select(Application).where(Application.applicant_id == made.id,
                                                              Application.status == ApplicationStatus.ACCEPTED))
    joined = [CohortParticipant(cohort=cohort, user_id=made.id, application_id=application.id if application else None,
                                admitted_by_id=staff.id),
              CohortParticipant(cohort=cohort, user_id=wayan.id, admitted_by_id=staff.id)]
    db.session.add_all(joined)
    mentors = _profiles()
    for mentor in mentors.values():
        db.session.add(CohortMentor(cohort=cohort, mentor_id=mentor.id, added_by_id=staff.id))
    db.session.flush()
    needs = [(joined[0], [Subsector.CULINARY], [Function.EXPORT, Function.MARKETING]),
             (joined[1], [Subsector.PERFORMING_ARTS], [Function.DIGITAL])]
    for participant, subsectors, topics in needs:
        db.session.add(ParticipantNeeds(
            participant_id=participant.id, subsectors=[s.value for s in subsectors], topics=[t.value for t in topics],
            languages=[Language.INDONESIAN.value, Language.ENGLISH.value], preferred_language=Language.ENGLISH.value,
            hours_start=time(9, 0), hours_end=time(17, 0), zone=TimeZone.DENPASAR,
            share_phone=participant is joined[0]))
        db.session.add(Attendance(session_id=sessions[0].id, participant_id=participant.id,
                                  status=AttendanceStatus.PRESENT, marked_by_id=staff.id))
    active = Mentorship(cohort_id=cohort.id, participant_id=joined[0].id,
                        mentor_id=mentors["mentor.sarah@demo.dyouth.id"].id, status=MentorshipStatus.ACCEPTED,
                        score=66, responded_at=now_utc() - timedelta(days=4))
    offered = Mentorship(cohort_id=cohort.id, participant_id=joined[1].id,
                         mentor_id=mentors["mentor.james@demo.dyouth.id"].id, score=48)
    db.session.add_all([active, offered])
    db.session.flush()
    db.session.add(Meeting(mentorship_id=active.id, held_on=today - timedelta(days=3), duration_minutes=45,
                           topics="Export pricing", notes="Went through the cost of shipping klepon mix to Darwin.",
                           next_steps="Ask two Darwin grocers for a quote.", logged_by_id=active.mentor_id, rating=5,
                           rated_at=now_utc()))
