"""The mentoring blueprint; each module adds the pages of one job."""

from flask import Blueprint

bp = Blueprint("mentoring", __name__, template_folder="../templates")

from app.mentoring import panels  # noqa: E402, F401  (menu items and home panels)
from app.mentoring.routes import (  # noqa: E402, F401  (they add routes to bp)
    meetings,
    mentor_home,
    needs,
    pairs,
    profiles,
    runs,
)
