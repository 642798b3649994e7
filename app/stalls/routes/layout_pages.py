"""Stalls pages (staff): zones and stalls by form, blocking a stall, the CSV import and export, copying an earlier
edition's layout. Staff-only; one service call and one commit per request (Post/Redirect/Get)."""

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core.clock import now_utc
from app.core.errors import DomainError, show_on_form
from app.core.forms import ConfirmForm
from app.core.i18n import current_locale
from app.core.permissions import staff_required
from app.core.routing import act, attempt, load
from app.extensions import db
from app.festival.models import Edition
from app.stalls.forms.layout import BlockForm, CopyForm, ImportForm, StallForm, ZoneForm
from app.stalls.models import Stall, Zone
from app.stalls.routes import bp
from app.stalls.services import layout, layout_csv
from app.stalls.services.overview import overview


def _back(edition_id: int) -> str:
    return url_for("stalls.staff_layout", edition_id=edition_id)


# Zones -----------------------------------------------------------------------------------------------------------

def _zone_page(edition: Edition, zone: Zone | None):
    form = ZoneForm(obj=zone)
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in layout.ZONE_FIELDS}
        values["name_en"] = values["name_en"] or ""
        done = attempt(form, lambda: layout.create_zone(current_user, edition, **values) if zone is None
                       else layout.update_zone(current_user, zone, **values),
                       success=lambda saved: _("Zone %(code)s has been saved.", code=saved.code),
                       then=_back(edition.id))
        if done:
            return done
    return render_template("stalls/staff/zone_form.html", form=form, edition=edition, zone=zone)


@bp.route("/staff/editions/<int:edition_id>/zones/new", methods=["GET", "POST"])
@staff_required
def new_zone(edition_id: int):
    return _zone_page(load(Edition, edition_id), None)


@bp.route("/staff/zones/<int:zone_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_zone(zone_id: int):
    zone = load(Zone, zone_id)
    return _zone_page(load(Edition, zone.edition_id), zone)


# Stalls ----------------------------------------------------------------------------------------------------------

def _stall_page(edition: Edition, stall: Stall | None, block_form: BlockForm | None = None):
    # Shown again after a failed block: the stall's own values, not that form's POST.
    form = StallForm(obj=stall) if block_form is None else StallForm(formdata=None, obj=stall)
    form.set_zones(layout.zones_of(edition.id), current_locale())
    if block_form is None and form.validate_on_submit():
        values = {name: getattr(form, name).data for name in layout.STALL_FIELDS}
        done = attempt(form, lambda: layout.create_stall(current_user, edition, **values) if stall is None
                       else layout.update_stall(current_user, stall, **values),
                       success=lambda saved: _("Stall %(code)s has been saved.", code=saved.code),
                       then=_back(edition.id))
        if done:
            return done
    seen = overview(edition.id, now_utc()) if stall is not None else None
    return render_template(
        "stalls/staff/stall_form.html", form=form, edition=edition, stall=stall,
        state=seen.states.get(stall.id) if seen else None, holder=seen.holders.get(stall.id) if seen else None,
        block_form=block_form or BlockForm(formdata=None), unblock_form=ConfirmForm(formdata=None))


@bp.route("/staff/editions/<int:edition_id>/stalls/new", methods=["GET", "POST"])
@staff_required
def new_stall(edition_id: int):
    return _stall_page(load(Edition, edition_id), None)


@bp.route("/staff/stalls/<int:stall_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_stall(stall_id: int):
    stall = load(Stall, stall_id)
    return _stall_page(load(Edition, stall.edition_id), stall)


@bp.post("/staff/stalls/<int:stall_id>/block")
@staff_required
def block_stall(stall_id: int):
    """Keep the stall out of sale (the stall row is locked; refused while it is held or booked)."""
    stall = load(Stall, stall_id)
    form = BlockForm()
    if form.validate_on_submit():
        done = attempt(form, lambda: layout.block_stall(current_user, stall, form.note.data or ""),
                       success=_("Stall %(code)s is blocked: nobody can book it.", code=stall.code),
                       then=url_for("stalls.edit_stall", stall_id=stall.id))
        if done:
            return done
    db.session.rollback()
    return _stall_page(load(Edition, stall.edition_id), load(Stall, stall_id), block_form=form)


@bp.post("/staff/stalls/<int:stall_id>/unblock")
@staff_required
def unblock_stall(stall_id: int):
    stall = load(Stall, stall_id)
    if ConfirmForm().validate_on_submit():
        act(lambda: layout.unblock_stall(current_user, stall),
            success=_("Stall %(code)s is open for booking again.", code=stall.code))
    return redirect(url_for("stalls.edit_stall", stall_id=stall.id))


# CSV -------------------------------------------------------------------------------------------------------------

@bp.route("/staff/editions/<int:edition_id>/stalls/import", methods=["GET", "POST"])
@staff_required
def import_stalls(edition_id: int):
    """Import stalls from a CSV file: all or nothing, with a line-by-line report of what is wrong."""
    edition = load(Edition, edition_id)
    form = ImportForm()
    problems = []
    if form.validate_on_submit():
        data = form.file.data.stream.read(layout_csv.MAX_BYTES + 1)
        try:
            result = layout_csv.import_stalls(current_user, edition, data)
        except layout_csv.ImportRejected as rejected:
            db.session.rollback()
            problems = rejected.lines
            show_on_form(form, rejected)
        except DomainError as error:
            db.session.rollback()
            show_on_form(form, error)
        else:
            db.session.commit()
            flash(_("The file has been imported: %(created)d stalls added, %(updated)d changed, %(unchanged)d "
                    "unchanged.", created=result.created, updated=result.updated, unchanged=result.unchanged),
                  "success")
            return redirect(_back(edition.id))
    return render_template("stalls/staff/import.html", form=form, edition=edition, problems=problems,
                           columns=layout_csv.COLUMNS, max_rows=layout_csv.MAX_ROWS)


@bp.get("/staff/editions/<int:edition_id>/stalls/export.csv")
@staff_required
def export_stalls(edition_id: int):
    edition = load(Edition, edition_id)
    return Response(layout_csv.export_stalls(edition.id), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="stalls-{edition.code.lower()}.csv"'})


# Copying a layout ------------------------------------------------------------------------------------------------

@bp.route("/staff/editions/<int:edition_id>/stalls/copy", methods=["GET", "POST"])
@staff_required
def copy_layout(edition_id: int):
    """Copy the zones and stalls of an earlier edition into this one (which has no stalls yet)."""
    edition = load(Edition, edition_id)
    form = CopyForm()
    form.set_editions(layout.earlier_editions(edition))
    if form.validate_on_submit():
        done = attempt(form, lambda: layout.copy_layout(current_user, form.source.data, edition),
                       success=lambda count: _("%(count)d stalls have been copied.", count=count),
                       then=_back(edition.id))
        if done:
            return done
    return render_template("stalls/staff/copy.html", form=form, edition=edition,
                           has_stalls=layout.stall_count(edition.id) > 0)
