"""An application's uploaded files: product photos and PDF answers. The checks and the storage are the shared ones of
`app.core.uploads` (type read from the content, photos re-encoded without EXIF, random names outside the web root).

`add_photo` and `add_pdf` validate completely before they touch the disk or the session, so a refused file leaves the
draft as it was. A file removed from the session is deleted from the disk by the route, after its commit.
"""

import hashlib

from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.core.errors import NotAllowed
from app.core.locking import relock
from app.core.uploads import (  # noqa: F401  (routes and tests use remove_stored and UploadRefused through here)
    UploadRefused,
    check_pdf,
    check_size,
    clean_photo,
    photo_max_bytes,
    read,
    remove_stored,
    safe_name,
    store,
)
from app.extensions import db
from app.festival.models import Application, ApplicationFile
from app.festival.models.application import FileKind
from app.festival.models.call import QuestionKind
from app.festival.services.access import can_edit_application

MAX_PHOTOS = 5


def _lock(application: Application) -> None:
    """Take the application's row lock and reread it, so that two uploads at once cannot pass the photo limit
    (nor an upload slip in after the draft was submitted)."""
    relock(application)
    db.session.expire(application, ["files"])


def _check_editable(application: Application, actor: User) -> None:
    _lock(application)
    if not can_edit_application(actor, application):
        raise NotAllowed(_l("This application can no longer be changed."))


def read_stored(file: ApplicationFile) -> bytes:
    return read(file.storage_key)


def _add(application: Application, kind: FileKind, data: bytes, name: str | None, content_type: str, suffix: str,
         question_key: str | None = None) -> ApplicationFile:
    record = ApplicationFile(
        kind=kind, question_key=question_key, original_name=safe_name(name, suffix),
        storage_key=store(data, suffix), content_type=content_type, size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    application.files.append(record)
    db.session.flush()
    return record


def photos_of(application: Application) -> list[ApplicationFile]:
    return [f for f in application.files if f.kind == FileKind.PHOTO]


def pdf_for(application: Application, question_key: str) -> ApplicationFile | None:
    return next((f for f in application.files if f.kind == FileKind.PDF and f.question_key == question_key), None)


def add_photo(application: Application, data: bytes, name: str | None, actor: User,
              field: str = "photos") -> ApplicationFile:
    """Add one product photo (at most five per application)."""
    _check_editable(application, actor)
    if len(photos_of(application)) >= MAX_PHOTOS:
        raise UploadRefused(_l("You can add at most %(count)d photos; remove one first.", count=MAX_PHOTOS),
                            field=field)
    check_size(data, photo_max_bytes(), field)
    cleaned, content_type, suffix = clean_photo(data, field)
    return _add(application, FileKind.PHOTO, cleaned, name, content_type, suffix)


def add_pdf(application: Application, question_key: str, data: bytes, name: str | None, actor: User,
            field: str) -> tuple[ApplicationFile, str | None]:
    """Store the PDF answering `question_key`; return it and the storage key of the one it replaced, if any."""
    _check_editable(application, actor)
    question = next((q for q in application.call.questions if q.key == question_key and q.kind == QuestionKind.PDF),
                    None)
    if question is None:
        raise UploadRefused(_l("This call asks for no such document."), field=field)
    check_pdf(data, field)
    replaced = pdf_for(application, question_key)
    replaced_key = replaced.storage_key if replaced else None
    if replaced is not None:
        application.files.remove(replaced)
        db.session.flush()
    return _add(application, FileKind.PDF, data, name, "application/pdf", "pdf", question_key), replaced_key


def delete_file(file: ApplicationFile, actor: User) -> str:
    """Remove a file from a draft; return its storage key so that the route deletes it after the commit."""
    application = file.application
    _check_editable(application, actor)
    storage_key = file.storage_key
    application.files.remove(file)
    db.session.flush()
    return storage_key
