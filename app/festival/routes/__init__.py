"""The festival blueprint; each module adds the pages of one job."""

from flask import Blueprint

bp = Blueprint("festival", __name__, template_folder="../templates")



from app.festival import panels  # noqa: E402, F401  (the festival's menu items and home panels)
from app.festival.routes import apply, desk, files, review, setup  # noqa: E402, F401  (they add routes to bp)
from app.festival.services import waitlist  # noqa: E402, F401  (subscribes to application status changes)
