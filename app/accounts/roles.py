"""Staff give and take roles on the People page; each change is written to the audit log.

Nobody changes their own roles: a staff member cannot make themselves the personal data officer, nor lock
themselves out. Mentors join by invitation (it sets up their profile), so the page grants staff, reviewer and
personal-data-officer roles, and can take any role but applicant away.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from app.accounts.models import User
from app.audit import services as audit
from app.core.errors import AlreadyDone, DomainError, InvalidState
from app.core.locking import relock
from app.core.permissions import Role, require_staff
from app.extensions import db

GRANTABLE = (Role.STAFF, Role.REVIEWER, Role.DATA_OFFICER)
REVOCABLE = (Role.STAFF, Role.REVIEWER, Role.MENTOR, Role.DATA_OFFICER)
ROLES_CHANGED = audit.register_action("accounts.roles.changed", _l("Roles changed"))
PEOPLE_PAGE = 50


def find_people(actor: User, query: str) -> list[User]:
    """Up to a page of accounts whose name or e-mail contains `query` (everyone holding a role but applicant
    when the query is empty: the people who run the programme)."""
    require_staff(actor, _l("Only staff can see the people of the portal."))
    statement = select(User).order_by(User.name, User.id).limit(PEOPLE_PAGE)
    query = query.strip()
    if query:
        pattern = f"%{query.lower()}%"
        statement = statement.where(or_(User.email.like(pattern, escape="\\"),
                                        User.name.ilike(pattern, escape="\\")))
    else:
        statement = statement.where(or_(*(User.holding(role) for role in REVOCABLE)))
    return list(db.session.scalars(statement))


def set_roles(actor: User, user: User, wanted: set[Role]) -> None:
    """`user` holds the roles of `wanted` among those the page manages, and keeps the others (applicant always)."""
    require_staff(actor, _l("Only staff can change roles."))
    if user.id == actor.id:
        raise InvalidState(_l("Someone else on the staff has to change your roles."))
    user = relock(user)  # two staff saving at once: the second starts from the first's result
    current = set(user.roles)
    added = {role for role in wanted - current if role in GRANTABLE}
    removed = {role for role in current - wanted if role in REVOCABLE}
    if Role.DATA_OFFICER in (current | added) - removed and Role.STAFF not in (current | added) - removed:
        raise DomainError(_l("Only staff can be the personal data officer."), field="data_officer")
    if not added and not removed:
        raise AlreadyDone(_l("Nothing changed."))
    before = {"roles": sorted(role.value for role in current)}
    for role in added:
        user.roles.add(role)
    for role in removed:
        user.roles.discard(role)
    db.session.flush()
    audit.record(actor, ROLES_CHANGED, user, before=before,
                 after={"roles": sorted(role.value for role in user.roles)})
