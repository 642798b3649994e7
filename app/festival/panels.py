"""What the festival adds to the menu and to the home page, per role (see `app/core/navigation.py`).

Imported by the festival blueprint, so that accounts and the layout never name a festival page.
"""

from flask import render_template
from flask_babel import lazy_gettext as _l

from app.core.clock import now_utc
from app.core.navigation import next_steps_for, register_home_panel, register_nav_item
from app.core.permissions import Role

register_nav_item([Role.APPLICANT], "accounts.applicant_home", _l("My applications"), order=10)
register_nav_item([Role.REVIEWER], "festival.review_list", _l("Reviews"), order=20)
register_nav_item([Role.STAFF], "festival.desk_list", _l("Applications"), order=30)
register_nav_item([Role.STAFF], "festival.editions", _l("Editions"), order=40)


def applicant_panel(user) -> str:
    """Their applications with the next step of each, and the calls open to them."""
    from app.festival.services import drafts

    return render_template(
        "festival/panels/applicant.html", applications=drafts.applications_of(user),
        open_calls=drafts.open_calls(now_utc(), user=user),
        STEP_TITLES=drafts.STEP_TITLES, next_steps=lambda application: next_steps_for(user, application),
    )


def reviewer_panel(user) -> str:
    from app.festival.services.reviewing import work_of

    return render_template("festival/panels/reviewer.html", work=work_of(user))


register_home_panel([Role.APPLICANT], applicant_panel, order=10)
register_home_panel([Role.REVIEWER], reviewer_panel, order=20)
register_home_panel([Role.STAFF], "festival/panels/staff.html", order=40)
