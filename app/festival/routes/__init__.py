"""The festival blueprint; each module adds the pages of one job."""

from flask import Blueprint

bp = Blueprint("festival", __name__, template_folder="../templates")


@bp.context_processor
def vocabulary() -> dict:
    """The festival's translated vocabularies, for every festival page."""
    from app.festival.services.workflow import STATUS_LABELS
    from app.festival.vocab import (
        CALL_KIND_LABELS,
        DISTRICT_LABELS,
        STAGE_LABELS,
        SUBSECTOR_LABELS,
        label,
    )

    return {"STATUS_LABELS": STATUS_LABELS, "CALL_KIND_LABELS": CALL_KIND_LABELS, "DISTRICT_LABELS": DISTRICT_LABELS,
            "STAGE_LABELS": STAGE_LABELS, "SUBSECTOR_LABELS": SUBSECTOR_LABELS, "label": label}


from app.festival import panels  # noqa: E402, F401  (the festival's menu items and home panels)
from app.festival.routes import apply, desk, files, review, setup  # noqa: E402, F401  (they add routes to bp)
from app.festival.services import waitlist  # noqa: E402, F401  (subscribes to application status changes)
