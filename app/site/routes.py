"""The public landing page."""

from flask import Blueprint, render_template

from app.core.clock import now_utc
from app.core.pagecache import cached_page, watch_models
from app.core.permissions import public
from app.festival.models import Call, Edition
from app.festival.services.editions import next_published_edition

bp = Blueprint("site", __name__, template_folder="templates")


@bp.get("/")
@public
@cached_page("landing", topics=("editions",))
def landing():
    edition = next_published_edition(now_utc().date())
    return render_template("site/landing.html", edition=edition)


watch_models("editions", Edition, Call)  # the landing page shows the next published edition
