"""Staff set up matching for a cohort: which mentors serve it (with an optional capacity override), and the pairs
they pin (always pair) or forbid (never pair). Changes take the cohort's row lock, as runs and publishing do."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import User
from app.audit import services as audit
from app.cohorts.models import Cohort, CohortParticipant, ParticipantStatus
from app.core.errors import AlreadyDone, Conflict, DomainError, InvalidState
from app.core.locking import relock
from app.core.permissions import Role, require_staff
from app.extensions import db
from app.mentoring.models import CohortMentor, MentorProfile, Mentorship, PairRule, RuleKind
from app.mentoring.services.access import SEEN_BY_MENTOR as LIVE
from app.mentoring.services.profiles import profile_of

NOT_STAFF = _l("Only staff may set up mentor matching.")
# On the cohort: its page's history then shows who set up its matching.
MENTOR_ADDED = audit.register_action("mentoring.pool.mentor_added", _l("Mentor added to a cohort"))
MENTOR_REMOVED = audit.register_action("mentoring.pool.mentor_removed", _l("Mentor removed from a cohort"))
RULE_ADDED = audit.register_action("mentoring.rule.added", _l("Pair pinned or forbidden"))
RULE_REMOVED = audit.register_action("mentoring.rule.removed", _l("Pair rule removed"))


def candidates(cohort: Cohort) -> list[User]:
    """Mentors with a profile who do not serve the cohort yet, by name."""
    serving = select(CohortMentor.mentor_id).where(CohortMentor.cohort_id == cohort.id)
    return list(db.session.scalars(
        select(User).join(MentorProfile, MentorProfile.user_id == User.id)
        .where(User.holding(Role.MENTOR), User.id.not_in(serving)).order_by(User.name, User.id)))


def add_mentor(actor, cohort: Cohort, mentor_id: int, capacity: int | None) -> CohortMentor:
    require_staff(actor, NOT_STAFF)
    cohort = relock(cohort)
    mentor = db.session.get(User, mentor_id)
    if mentor is None or not mentor.has_role(Role.MENTOR) or profile_of(mentor.id) is None:
        raise DomainError(_l("Choose a mentor from the list (mentors with a profile)."), field="mentor_id")
    if db.session.scalar(select(CohortMentor.id).where(CohortMentor.cohort_id == cohort.id,
                                                       CohortMentor.mentor_id == mentor_id)) is not None:
        raise AlreadyDone(_l("%(name)s already mentors in this cohort.", name=mentor.name), field="mentor_id")
    link = CohortMentor(cohort_id=cohort.id, mentor_id=mentor_id, capacity=capacity,
                        added_by_id=getattr(actor, "id", None))
    db.session.add(link)
    db.session.flush()
    audit.record(actor, MENTOR_ADDED, cohort, after={"mentor_id": mentor_id, "capacity": capacity})
    return link


def remove_mentor(actor, link: CohortMentor) -> None:
    """Take a mentor out of the cohort's pool; refused while they have a live mentorship in it."""
    require_staff(actor, NOT_STAFF)
    relock(link.cohort)
    link = relock(link)
    if db.session.scalar(select(Mentorship.id).where(
            Mentorship.cohort_id == link.cohort_id, Mentorship.mentor_id == link.mentor_id,
            Mentorship.status.in_(LIVE)).limit(1)) is not None:
        raise Conflict(_l("%(name)s has mentees in this cohort: they cannot be removed.", name=link.mentor.name))
    # Their pins go with them (a run could not honour them); forbids stay, should they come back.
    for rule in db.session.scalars(select(PairRule).where(
            PairRule.cohort_id == link.cohort_id, PairRule.mentor_id == link.mentor_id, PairRule.kind == RuleKind.PIN)):
        db.session.delete(rule)
    audit.record(actor, MENTOR_REMOVED, link.cohort, before={"mentor_id": link.mentor_id, "capacity": link.capacity},
                 deleted=True)
    db.session.delete(link)
    db.session.flush()


def add_rule(actor, cohort: Cohort, participant_id: int, mentor_id: int, kind: str) -> PairRule:
    require_staff(actor, NOT_STAFF)
    cohort = relock(cohort)
    participant = db.session.get(CohortParticipant, participant_id)
    if participant is None or participant.cohort_id != cohort.id or participant.status != ParticipantStatus.ADMITTED:
        raise DomainError(_l("Choose a participant of this cohort from the list."), field="participant_id")
    if db.session.scalar(select(CohortMentor.id).where(CohortMentor.cohort_id == cohort.id,
                                                       CohortMentor.mentor_id == mentor_id)) is None:
        raise DomainError(_l("Choose a mentor of this cohort from the list."), field="mentor_id")
    if kind not in {member.value for member in RuleKind}:
        raise DomainError(_l("Choose a rule from the list."), field="kind")
    rules = list(db.session.scalars(select(PairRule).where(PairRule.cohort_id == cohort.id,
                                                           PairRule.participant_id == participant_id)))
    same = next((rule for rule in rules if rule.mentor_id == mentor_id), None)
    if same is not None:
        raise (AlreadyDone if same.kind == kind else InvalidState)(
            _l("This pair already has a rule: %(rule)s. Remove it first to change it.", rule=same.kind.label),
            field="kind")
    if kind == RuleKind.PIN and any(rule.kind == RuleKind.PIN for rule in rules):
        raise InvalidState(_l("This participant is already pinned to another mentor. Remove that pin first."),
                           field="participant_id")
    rule = PairRule(cohort_id=cohort.id, participant_id=participant_id, mentor_id=mentor_id, kind=RuleKind(kind),
                    created_by_id=getattr(actor, "id", None))
    db.session.add(rule)
    db.session.flush()
    audit.record(actor, RULE_ADDED, cohort, after=_rule_values(rule))
    return rule


def _rule_values(rule: PairRule) -> dict:
    return {"rule_id": rule.id, **audit.snapshot(rule, "kind", "participant_id", "mentor_id")}


def remove_rule(actor, rule: PairRule) -> None:
    require_staff(actor, NOT_STAFF)
    cohort = relock(db.session.get(Cohort, rule.cohort_id))
    rule = relock(rule)
    audit.record(actor, RULE_REMOVED, cohort, before=_rule_values(rule), deleted=True)
    db.session.delete(rule)
    db.session.flush()


def rules_of(cohort_id: int) -> list[PairRule]:
    return list(db.session.scalars(select(PairRule).where(PairRule.cohort_id == cohort_id).order_by(PairRule.id)))
