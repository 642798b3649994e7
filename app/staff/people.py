"""The People page: find an account and change its roles (each change is in the audit log)."""

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts import roles
from app.accounts.models import User
from app.core.permissions import Role, staff_required
from app.core.routing import attempt, load
from app.staff.forms import PeopleSearchForm, RolesForm
from app.staff.routes import bp

_FIELDS = {"staff": Role.STAFF, "reviewer": Role.REVIEWER, "mentor": Role.MENTOR, "data_officer": Role.DATA_OFFICER}


@bp.get("/people")
@staff_required
def people():
    form = PeopleSearchForm(formdata=request.args)
    form.validate()
    query = form.q.data or "" if not form.q.errors else ""
    return render_template("staff/people.html", form=form, people=roles.find_people(current_user, query),
                           searched=bool(query), page_size=roles.PEOPLE_PAGE)


@bp.route("/people/<int:user_id>", methods=["GET", "POST"])
@staff_required
def person(user_id: int):
    user = load(User, user_id)
    form = RolesForm(data={name: role in user.roles for name, role in _FIELDS.items()})
    if request.method == "POST":
        form = RolesForm()
    if form.validate_on_submit():
        wanted = {role for name, role in _FIELDS.items() if form[name].data}
        done = attempt(form, lambda: roles.set_roles(current_user, user, wanted),
                       success=_("Roles saved."), then=url_for("staff.person", user_id=user.id))
        if done:
            return done
    return render_template("staff/person.html", user=user, form=form, Role=Role, is_self=user.id == current_user.id)
