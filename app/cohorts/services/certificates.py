"""Completion certificates: issuing one (a random verification code), revoking it, who may download it, and the
public check of a code, which tells whether it is valid and for which cohort, never who holds it.

Codes are 12 characters of Crockford's base32 (60 random bits), printed in groups as `DY-7K3M-Q9TB-2XWE`; what people
type is read the forgiving way Crockford meant: any case, with or without dashes and the `DY-` prefix, I and L as 1,
O as 0.
"""

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.audit import services as audit
from app.cohorts.models import Certificate, Cohort, CohortParticipant
from app.core.clock import now_utc
from app.core.errors import AlreadyDone, DomainError
from app.core.locking import relock
from app.core.permissions import Role, require_staff
from app.extensions import db

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32: no I, L, O, U
CODE_LENGTH = 12
PREFIX = "DY"
NOT_STAFF = _l("Only staff may revoke certificates.")
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})
_NOT_CODE = re.compile(r"[^0-9A-Z]")


REVOKED = audit.register_action("cohorts.certificate.revoked", _l("Certificate revoked"))


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join([PREFIX, raw[:4], raw[4:8], raw[8:]])


def normalise(typed: str) -> str | None:
    """The code as stored (`DY-XXXX-XXXX-XXXX`), or None when `typed` cannot be one."""
    letters = _NOT_CODE.sub("", (typed or "").upper())
    if len(letters) == CODE_LENGTH + len(PREFIX) and letters.startswith(PREFIX):
        letters = letters[len(PREFIX):]
    letters = letters.translate(_READ_AS)
    if len(letters) != CODE_LENGTH or any(ch not in ALPHABET for ch in letters):
        return None
    return "-".join([PREFIX, letters[:4], letters[4:8], letters[8:]])


def issue(actor, participant: CohortParticipant) -> Certificate:
    """A certificate for `participant` (the caller holds the cohort's lock and has checked the rule); the name is
    copied as it will be printed."""
    certificate = Certificate(participant_id=participant.id, code=new_code(), holder_name=participant.user.name,
                              issued_by_id=getattr(actor, "id", None))
    db.session.add(certificate)
    return certificate


def of_participants(participant_ids: list[int]) -> dict[int, Certificate]:
    if not participant_ids:
        return {}
    return {c.participant_id: c for c in db.session.scalars(
        select(Certificate).where(Certificate.participant_id.in_(participant_ids)))}


def mine(user) -> list[tuple[Certificate, Cohort]]:
    """The certificates `user` holds, newest first."""
    rows = db.session.execute(
        select(Certificate, Cohort).join(CohortParticipant, CohortParticipant.id == Certificate.participant_id)
        .join(Cohort, Cohort.id == CohortParticipant.cohort_id)
        .where(CohortParticipant.user_id == user.id).order_by(Certificate.issued_at.desc(), Certificate.id.desc()))
    return [tuple(row) for row in rows]  # type: ignore[misc]


def may_download(user, certificate: Certificate) -> bool:
    """Staff, and the holder while it is not revoked; anyone else is told it does not exist (404)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.has_role(Role.STAFF):
        return True
    return certificate.participant.user_id == user.id and certificate.revoked_at is None


def revoke(actor, certificate: Certificate, reason: str) -> Certificate:
    """Staff withdraw a certificate (issued by mistake, for instance): the code then verifies as revoked."""
    require_staff(actor, NOT_STAFF)
    if not reason.strip():
        raise DomainError(_l("Say why the certificate is revoked."), field="reason")
    relock(certificate.participant.cohort)
    certificate = relock(certificate)
    if certificate.revoked_at is not None:
        raise AlreadyDone(_l("This certificate has already been revoked."))
    # Only the moment: the reason is free text that may name the holder.
    with audit.change(actor, REVOKED, certificate, "revoked_at"):
        certificate.revoked_at = now_utc()
        certificate.revoked_reason = reason.strip()
    db.session.flush()
    return certificate


@dataclass(frozen=True)
class Verification:
    """What the public page may say about a code: nothing personal."""

    code: str
    cohort: Cohort
    starts_on: date
    ends_on: date
    issued_at: datetime
    revoked_at: datetime | None


def verify(typed: str) -> Verification | None:
    """The public facts behind a code, or None when no certificate has it."""
    code = normalise(typed)
    if code is None:
        return None
    row = db.session.execute(
        select(Certificate, Cohort).join(CohortParticipant, CohortParticipant.id == Certificate.participant_id)
        .join(Cohort, Cohort.id == CohortParticipant.cohort_id).where(Certificate.code == code)).first()
    if row is None:
        return None
    certificate, cohort = row
    return Verification(code=certificate.code, cohort=cohort, starts_on=cohort.starts_on, ends_on=cohort.ends_on,
                        issued_at=certificate.issued_at, revoked_at=certificate.revoked_at)
