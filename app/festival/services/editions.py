"""Festival rules and queries."""

from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.festival.models import Edition, EditionStatus


def next_published_edition(today: date) -> Edition | None:
    """The published edition that has not ended yet and starts soonest."""
    query = (
        select(Edition)
        .where(Edition.status == EditionStatus.PUBLISHED, Edition.ends_on >= today)
        .order_by(Edition.starts_on)
        .limit(1)
    )
    return db.session.scalar(query)
