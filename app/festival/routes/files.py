"""Uploaded files: served only to who may see the application (anyone else gets 404), removed from a draft."""

from io import BytesIO
from pathlib import PurePath

from flask import Response, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from PIL import Image, ImageOps, UnidentifiedImageError

from app.core.db import get_or_404
from app.core.errors import DomainError
from app.core.forms import ConfirmForm
from app.core.routing import load
from app.core.uploads import send_stored
from app.extensions import db
from app.festival.models import ApplicationFile
from app.festival.models.application import FileKind
from app.festival.routes import bp
from app.festival.services import uploads
from app.festival.services.access import can_edit_application, can_view_application, hides_identity

THUMB_SIDE = 320


@bp.get("/files/<int:file_id>")
def file(file_id: int):
    record = load(ApplicationFile, file_id, lambda user, row: can_view_application(user, row.application), denied=404)
    name = record.original_name
    if hides_identity(current_user, record.application):  # blind review: a file name can carry a name
        name = f"{record.kind.value}-{record.id}{PurePath(record.storage_key).suffix}"
    try:  # streamed from storage, or a redirect to a short-lived signed URL (S3_SERVE=redirect)
        return send_stored(record.storage_key, record.content_type, name)
    except FileNotFoundError:
        abort(404)


def _thumbnail(data: bytes) -> bytes:
    """A small JPEG of a stored photo (already cleaned at upload), at most THUMB_SIDE px on its long side."""
    with Image.open(BytesIO(data)) as image:
        image.draft("RGB", (THUMB_SIDE, THUMB_SIDE))  # JPEG: decode at a fraction of the size
        small = ImageOps.exif_transpose(image).convert("RGB")
        small.thumbnail((THUMB_SIDE, THUMB_SIDE))
        out = BytesIO()
        small.save(out, "JPEG", quality=80, optimize=True)
        return out.getvalue()


@bp.get("/files/<int:file_id>/thumb")
def file_thumbnail(file_id: int):
    """A photo's thumbnail, behind the same check as the file itself; its name is never sent (blind review)."""
    record = load(ApplicationFile, file_id, lambda user, row: can_view_application(user, row.application), denied=404)
    if record.kind != FileKind.PHOTO:
        abort(404)
    try:
        data = _thumbnail(uploads.read_stored(record))
    except (FileNotFoundError, UnidentifiedImageError):
        abort(404)
    response = Response(data, mimetype="image/jpeg")
    response.headers["X-Content-Type-Options"] = "nosniff"
    # A stored file never changes (a new photo is a new row), so the viewer's browser may keep it; shared caches not.
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


@bp.post("/files/<int:file_id>/delete")
def delete_file(file_id: int):
    record = get_or_404(ApplicationFile, file_id)
    application = record.application
    if application.applicant_id != current_user.id:
        abort(404)
    step_url = url_for("festival.step", application_id=application.id, step=4)
    if not can_edit_application(current_user, application):
        return redirect(url_for("festival.application", application_id=application.id))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        storage_key = uploads.delete_file(record, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(step_url)
    db.session.commit()
    uploads.remove_stored(storage_key)
    flash(_("The file has been removed."), "info")
    return redirect(step_url)
