"""What the festival adds to the menu and to the home page, per role (see `app/core/navigation.py`).

Imported by the festival blueprint, so that accounts and the layout never name a festival page.
"""

from dataclasses import dataclass
from typing import Any

from flask import render_template, url_for
from flask_babel import lazy_gettext as _l

from app.accounts.services import BirthDateRule, add_birth_date_rule
from app.core.clock import now_utc
from app.core.i18n import current_locale
from app.core.navigation import next_steps_for, register_home_panel, register_nav_item
from app.core.permissions import Role
from app.festival.models.application import ApplicationStatus
from app.festival.services import eligibility

register_nav_item([Role.APPLICANT], "accounts.applicant_home", _l("My applications"), order=10)
register_nav_item([Role.REVIEWER], "festival.review_list", _l("Reviews"), order=20)
register_nav_item([Role.STAFF], "festival.desk_list", _l("Applications"), order=30)
register_nav_item([Role.STAFF], "festival.editions", _l("Editions"), order=40)


@dataclass(frozen=True)
class MainStep:
    """The home page's one big button: a link, or (`post`) a form button, such as starting a draft."""

    label: Any
    url: str
    post: bool = False


def main_step(user, applications: list, open_calls: list) -> MainStep | None:
    """The person's next step, most pressing first: finish a draft, then what comes after an acceptance (choose a
    stall, join a cohort: offered by those domains), then apply to a call they may enter."""
    now = now_utc()
    for application in applications:
        if application.is_draft and application.call.edition.applications_close_at > now:
            return MainStep(_l("Continue your application to %(call)s", call=application.call.name(current_locale())),
                            url_for("festival.step", application_id=application.id,
                                    step=application.current_step))
    for application in applications:
        if application.status == ApplicationStatus.ACCEPTED:
            for label, url in next_steps_for(user, application):
                return MainStep(label, url)
    if open_calls:
        call = open_calls[0]
        # The call's page first: what is asked, the fee, the deadline; its apply button is at the end.
        return MainStep(_l("Read about %(call)s and apply", call=call.name(current_locale())),
                        url_for("festival.call_page", call_id=call.id))
    return None


def applicant_panel(user) -> str:
    """The next step as the page's main button, their applications with the next step of each, and the calls open
    to them."""
    from app.festival.services import drafts

    applications = drafts.applications_of(user)
    open_calls = drafts.open_calls(now_utc(), user=user)
    return render_template(
        "festival/panels/applicant.html", applications=applications, open_calls=open_calls,
        main_step=main_step(user, applications, open_calls),
        STEP_TITLES=drafts.STEP_TITLES, next_steps=lambda application: next_steps_for(user, application),
    )


def reviewer_panel(user) -> str:
    from app.festival.services.reviewing import work_of

    return render_template("festival/panels/reviewer.html", work=work_of(user))


register_home_panel([Role.APPLICANT], applicant_panel, order=10)
# Registration asks the date of birth and says who may apply, without accounts naming the festival.
add_birth_date_rule("festival.age", BirthDateRule(
    explain=lambda today: str(eligibility.who_may_apply(today)), check=eligibility.check_registration_age))
register_home_panel([Role.REVIEWER], reviewer_panel, order=20)
register_home_panel([Role.STAFF], "festival/panels/staff.html", order=40)
