"""A second call asks for the same business again: a new draft starts with the business details (step 2) of the
person's latest application that has them, to check and change. Only empty fields are filled; nothing personal is
copied beyond what the profile already gives step 1."""

from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.festival.models import Application
from app.festival.services.drafts import STEP_COLUMNS

BUSINESS_COLUMNS = STEP_COLUMNS[2]


def latest_business_of(actor: User, besides: Application) -> Application | None:
    """The actor's most recent other application with a business name."""
    return db.session.scalar(
        select(Application)
        .where(Application.applicant_id == actor.id, Application.id != besides.id, Application.business_name != "",
               Application.business_name.is_not(None))
        .order_by(Application.created_at.desc(), Application.id.desc()).limit(1))


def prefill_business(application: Application, actor: User) -> bool:
    """Copy the business details of `actor`'s latest other application into the new draft `application` (its empty
    fields only); True when something was copied."""
    if application.applicant_id != actor.id or not application.is_draft:
        return False
    source = latest_business_of(actor, application)
    if source is None:
        return False
    copied = False
    for column in BUSINESS_COLUMNS:
        value = getattr(source, column)
        if value not in (None, "") and getattr(application, column) in (None, ""):
            setattr(application, column, value)
            copied = True
    db.session.flush()
    return copied
