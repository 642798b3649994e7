"""Taking attendance on a phone: the session's sheet lists the admitted participants, each with four buttons
(present, late, absent, excused); a tap posts one mark.

Without JavaScript the tap redirects back to the person's row; `static/js/attendance.js` posts it with fetch instead
(asking for JSON) and updates the row and the counts in place. Staff only.
"""

from flask import flash, get_flashed_messages, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.cohorts.forms.progress import MarkForm
from app.cohorts.models import AttendanceStatus, CohortSession
from app.cohorts.routes import bp
from app.cohorts.services import attendance
from app.core.i18n import current_locale
from app.core.permissions import staff_required
from app.core.routing import act, load


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.get("/staff/cohorts/sessions/<int:session_id>/attendance")
@staff_required
def attendance_sheet(session_id: int):
    session = load(CohortSession, session_id)
    rows = attendance.sheet(session)
    return render_template("cohorts/attendance/sheet.html", session=session, cohort=session.cohort, rows=rows,
                           counts=attendance.counts(rows), statuses=list(AttendanceStatus),
                           locale=current_locale())


@bp.post("/staff/cohorts/sessions/<int:session_id>/attendance/<int:participant_id>")
@staff_required
def mark_attendance(session_id: int, participant_id: int):
    session = load(CohortSession, session_id)
    form = MarkForm()
    if form.validate_on_submit():
        status = form.status.data
        act(lambda: attendance.mark(current_user, session, participant_id, status),
            lambda mark: _("%(name)s: %(status)s.", name=mark.participant.user.name, status=mark.status.label))
    else:  # only a forged or mistyped status gets here (a missing CSRF token is refused before the view)
        flash(_("Choose present, late, absent or excused."), "error")
    if not _wants_json():
        return redirect(url_for("cohorts.attendance_sheet", session_id=session.id, _anchor=f"p{participant_id}"))
    # The script updates the row itself: what was flashed goes back in the answer instead of to the next page.
    messages = get_flashed_messages(with_categories=True)
    problems = [str(message) for category, message in messages if category == "error"]
    rows = attendance.sheet(session)
    mark = next((row.mark for row in rows if row.participant.id == participant_id), None)
    counts = {status.value if status else "none": count for status, count in attendance.counts(rows).items()}
    return jsonify(ok=not problems, status=mark.status.value if mark else None, counts=counts,
                   message=str(messages[-1][1]) if messages else "", problems=problems), 400 if problems else 200
