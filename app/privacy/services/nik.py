"""Revealing a NIK to staff who need it: only data officers, and every reveal is written to the audit log."""

from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.audit import services as audit
from app.core.errors import InvalidState, NotAllowed
from app.core.permissions import sees_personal_data
from app.festival.models import Application

NIK_REVEALED = audit.register_action("festival.application.nik_revealed", _l("NIK revealed"))


def reveal(actor: User, application: Application) -> str:
    """The application's NIK in full, for `actor`; the log records who saw whose (never the number itself)."""
    if not sees_personal_data(actor):
        raise NotAllowed(_l("Only personal data officers may see a NIK in full."))
    if application.is_draft:  # drafts stay private to their applicant
        raise NotAllowed(_l("This application has not been submitted."))
    if not application.nik:
        raise InvalidState(_l("This application has no NIK."))
    audit.record(actor, NIK_REVEALED, audit.Target("festival_application", application.id,
                                                   application.reference or ""))
    return application.nik
