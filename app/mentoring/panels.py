"""What mentoring adds to the menu and to home pages (see app/core/navigation.py)."""

from flask import render_template
from flask_babel import lazy_gettext as _l

from app.core.navigation import register_home_panel, register_nav_item
from app.core.permissions import Role

register_nav_item([Role.MENTOR], "mentoring.home", _l("My mentees"), order=20)
# Every applicant sees it, as "My cohort": the page says when no mentor has been matched yet.
register_nav_item([Role.APPLICANT], "mentoring.my_mentor", _l("My mentor"), order=16)


def mentor_panel(user) -> str:
    """The mentor's mentees in short, with the way to their mentoring page."""
    from app.mentoring.services.home import mentees_of

    return render_template("mentoring/panels/mentor.html", pairs=mentees_of(user.id))


register_home_panel([Role.MENTOR], mentor_panel, order=30)
