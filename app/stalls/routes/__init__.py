"""The stalls blueprint; each module adds the pages of one job."""

from flask import Blueprint

bp = Blueprint("stalls", __name__, template_folder="../templates")

from app.stalls import panels  # noqa: E402, F401  (the stalls' menu items and home panels)
from app.stalls.routes import book, cancel, desk, staff  # noqa: E402, F401  (they add routes to bp)
from app.stalls.services import reactions  # noqa: E402, F401  (subscribes to festival and payment signals)
