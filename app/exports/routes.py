"""Downloads of the staff lists: `?format=csv|xlsx` plus the list page's own filter arguments. Staff only.

Each route reads the list's filters exactly as its page does, has the list's export module count the rows and
prepare them (lazily), writes the audit entry and commits it before the first byte is sent, then streams the file.
The entry is written on a GET, so the view is marked `writes_on_get` (SQLite's write lock from the start); once it
is committed the rest of the request only reads (`reads_from_now`), so a slow download holds no lock.
"""

from collections.abc import Callable

from flask import Blueprint, abort, request
from flask_babel import get_timezone
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from app.cohorts.models import Cohort, CohortSession
from app.core.clock import now_utc
from app.core.i18n import current_locale
from app.core.locking import reads_from_now, writes_on_get
from app.core.permissions import sees_personal_data, staff_required
from app.core.routing import load
from app.exports import applications, bookings, cohorts, meetings, payments, services, tabular
from app.extensions import db
from app.festival.forms.desk import FilterForm
from app.festival.models import Call, Edition
from app.payments.services import ledger_status
from app.stalls.forms.layout import OverviewFilterForm
from app.stalls.services import layout

bp = Blueprint("exports", __name__, url_prefix="/staff/exports", template_folder="templates")


def _send(build: Callable[[], tabular.Export]) -> Response:
    fmt = request.args.get("format", "csv")
    if fmt not in tabular.FORMATS:
        abort(400)
    export = build()
    personal = sees_personal_data(current_user)
    services.record_export(current_user, export, fmt, personal)
    db.session.commit()  # the entry is saved before the file goes out, whatever happens to the download
    reads_from_now()
    today = now_utc().astimezone(get_timezone()).date()
    return tabular.response(export, fmt, personal, today)


@bp.get("/applications")
@staff_required
@writes_on_get
def applications_file():
    """The staff list of applications (festival.desk_list), filtered and sorted as the page is."""
    form = FilterForm(formdata=request.args)
    form.set_places(list(db.session.scalars(select(Call).options(joinedload(Call.edition)))), current_locale())
    form.validate()
    return _send(lambda: applications.export(current_user, form.filters(), current_locale()))


@bp.get("/editions/<int:edition_id>/stalls")
@staff_required
@writes_on_get
def stalls_file(edition_id: int):
    """An edition's stalls and who holds them (stalls.staff_overview), filtered by zone and state as the page is."""
    edition = load(Edition, edition_id)
    form = OverviewFilterForm(formdata=request.args)
    form.set_zones(layout.zones_of(edition.id), current_locale())
    form.validate()
    zone_id, state = form.filters()
    return _send(lambda: bookings.export(current_user, edition.id, now_utc(), current_locale(), zone_id=zone_id,
                                         state=state))


@bp.get("/payments")
@staff_required
@writes_on_get
def payments_file():
    """The payment ledger (payments.ledger), filtered by status as the page is."""
    status = ledger_status(request.args.get("status", ""))
    return _send(lambda: payments.export_payments(current_user, status))


@bp.get("/refunds")
@staff_required
@writes_on_get
def refunds_file():
    """The refunds of the payments the ledger shows under its status filter."""
    status = ledger_status(request.args.get("status", ""))
    return _send(lambda: payments.export_refunds(current_user, status))


@bp.get("/cohorts/<int:cohort_id>/participants")
@staff_required
@writes_on_get
def participants_file(cohort_id: int):
    cohort = load(Cohort, cohort_id)
    return _send(lambda: cohorts.export_participants(current_user, cohort))


@bp.get("/cohorts/sessions/<int:session_id>/attendance")
@staff_required
@writes_on_get
def attendance_file(session_id: int):
    session = load(CohortSession, session_id)
    return _send(lambda: cohorts.export_attendance(current_user, session))


@bp.get("/cohorts/<int:cohort_id>/meetings")
@staff_required
@writes_on_get
def meetings_file(cohort_id: int):
    """The meetings of the pairs on the cohort's mentoring page (mentoring.overview_page), `quiet=1` as there."""
    cohort = load(Cohort, cohort_id)
    return _send(lambda: meetings.export(current_user, cohort, request.args.get("quiet") == "1"))
