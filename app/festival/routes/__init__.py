"""The festival blueprint; each module adds the pages of one job."""

from flask import Blueprint

bp = Blueprint("festival", __name__, template_folder="../templates")

from app.festival.routes import apply, desk, files, review, setup  # noqa: E402, F401  (they add routes to bp)
