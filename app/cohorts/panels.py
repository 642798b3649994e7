"""What cohorts add to the menu and to home pages (see app/core/navigation.py)."""

from flask import render_template
from flask_babel import lazy_gettext as _l

from app.core.clock import now_utc
from app.core.navigation import register_home_panel, register_nav_item
from app.core.permissions import Role

# Participants are applicants whose accepted application got them into a cohort.
register_nav_item([Role.APPLICANT], "cohorts.mine", _l("My cohort"), order=15)
register_nav_item([Role.STAFF], "cohorts.staff_list", _l("Cohorts"), order=50)


def participant_panel(user) -> str:
    """The viewer's cohorts and their next sessions; nothing for an applicant in no cohort."""
    from app.cohorts.services.access import cohorts_of, sessions_for

    joined = cohorts_of(user.id)
    if not joined:
        return ""
    moment = now_utc()
    upcoming = [session for session in sessions_for(user.id) if session.ends_at > moment][:3]
    return render_template("cohorts/panels/participant.html", cohorts=joined, upcoming=upcoming)


register_home_panel([Role.APPLICANT], participant_panel, order=15)
