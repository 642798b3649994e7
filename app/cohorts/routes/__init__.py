"""The cohorts blueprint; each module adds the pages of one job."""

from flask import Blueprint

bp = Blueprint("cohorts", __name__, template_folder="../templates")

from app.cohorts import panels  # noqa: E402, F401  (menu items and home panels)
from app.cohorts.routes import (  # noqa: E402, F401  (they add routes to bp)
    attendance,
    calendar,
    certificates,
    invitations,
    milestones,
    mine,
    reports,
    staff,
)
from app.cohorts.services import reactions  # noqa: E402, F401  (subscribes to the festival's signal)

