"""The public landing page."""

from flask import Blueprint, render_template

from app.core.clock import now_utc
from app.core.permissions import public
from app.festival.services.editions import next_published_edition

bp = Blueprint("site", __name__, template_folder="templates")


@bp.get("/")
@public
def landing():
    edition = next_published_edition(now_utc().date())
    return render_template("site/landing.html", edition=edition)
