"""Mentor profiles: a mentor keeps their own, staff may edit anyone's; the list of mentors staff see."""

from datetime import time

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import User
from app.audit import services as audit
from app.core.errors import DomainError, NotAllowed
from app.core.i18n import TimeZone
from app.core.permissions import Role
from app.core.vocab import Subsector
from app.extensions import db
from app.mentoring.models import MentorProfile
from app.mentoring.vocab import Function, Language

EDITED_BY_STAFF = audit.register_action("mentoring.profile.edited", _l("Mentor profile edited by staff"))
LOGGED = ("organisation", "country", "subsectors", "functions", "languages", "capacity", "hours_start", "hours_end",
          "zone")  # not the bio: free text about the person


def _logged(profile: MentorProfile) -> dict:
    return audit.snapshot(profile, *LOGGED)


def may_edit(actor, mentor: User) -> bool:
    """The mentor themself, or staff."""
    holds = getattr(actor, "has_role", None)
    return holds is not None and (holds(Role.STAFF) or (actor.id == mentor.id and holds(Role.MENTOR)))


def profile_of(user_id: int) -> MentorProfile | None:
    return db.session.scalar(select(MentorProfile).where(MentorProfile.user_id == user_id))


def mentors() -> list[tuple[User, MentorProfile | None]]:
    """Every user holding the mentor role, with their profile (None: not filled in yet), by name."""
    rows = db.session.execute(
        select(User, MentorProfile).outerjoin(MentorProfile, MentorProfile.user_id == User.id)
        .where(User.holding(Role.MENTOR)).order_by(User.name, User.id))
    return [tuple(row) for row in rows]  # type: ignore[misc]


def clean(values, vocabulary) -> list[str]:
    """Sorted, without duplicates, only values of `vocabulary` (a page sent back by hand may carry anything)."""
    known = {member.value for member in vocabulary}
    return sorted({value for value in values or () if value in known})


def save_profile(actor, mentor: User, *, organisation: str, country: str, subsectors: list[str],
                 functions: list[str], languages: list[str], capacity: int, hours_start: time, hours_end: time,
                 zone: str, bio: str) -> MentorProfile:
    """Create or update `mentor`'s profile. A capacity below the mentees they have now is allowed: the matcher then
    offers them nobody new (their current mentees stay)."""
    if not may_edit(actor, mentor):
        raise NotAllowed(_l("You may only edit your own profile."))
    if not mentor.has_role(Role.MENTOR):
        raise NotAllowed(_l("Only mentors have a mentor profile."))
    languages = clean(languages, Language)
    if not languages:
        raise DomainError(_l("Tick at least one language you can mentor in."), field="languages")
    if hours_start == hours_end:
        raise DomainError(_l("Working hours cannot start and end at the same time."), field="hours_end")
    if zone not in {member.value for member in TimeZone}:
        raise DomainError(_l("Choose a time zone from the list."), field="zone")
    profile = profile_of(mentor.id)
    before = _logged(profile) if profile is not None else dict.fromkeys(LOGGED)
    if profile is None:
        profile = MentorProfile(user_id=mentor.id)
        db.session.add(profile)
    profile.organisation = organisation
    profile.country = country
    profile.subsectors = clean(subsectors, Subsector)
    profile.functions = clean(functions, Function)
    profile.languages = languages
    profile.capacity = capacity
    profile.hours_start, profile.hours_end = hours_start, hours_end
    profile.zone = TimeZone(zone)
    profile.bio = bio
    db.session.flush()
    if actor.id != mentor.id:  # a mentor's own edits are not staff actions
        audit.record(actor, EDITED_BY_STAFF, profile, before=before, after=_logged(profile))
    return profile
