"""The festival blueprint; each module adds the pages of one job."""

from flask import Blueprint

bp = Blueprint("festival", __name__, template_folder="../templates")

# The festival's menu items and home panels, and its jobs for `flask reminders send`.
from app.festival import panels, reminders  # noqa: E402, F401
from app.festival.routes import apply, call_pages, desk, files, review, setup  # noqa: E402, F401  (add routes to bp)
from app.festival.services import waitlist  # noqa: E402, F401  (subscribes to application status changes)
