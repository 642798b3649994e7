"""The cancellation policy of an edition: how much of a stall fee comes back, by days left before the festival.

Default: everything until 14 days before the festival's first day, half until 7 days before, nothing after
(configurable per edition in `StallSettings`). Days are counted in Denpasar, where the festival is.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from app.stalls.models import StallSettings

FESTIVAL_ZONE = ZoneInfo("Asia/Makassar")


def refund_percent(rules: StallSettings, festival_starts_on, moment: datetime) -> int:
    """The share of the fee refunded when a booking is cancelled at `moment` (0–100)."""
    days_left = (festival_starts_on - moment.astimezone(FESTIVAL_ZONE).date()).days
    if days_left >= rules.full_refund_days:
        return 100
    if days_left >= rules.partial_refund_days:
        return rules.partial_refund_percent
    return 0


def refund_amount(paid: int, percent: int) -> int:
    """Whole rupiah back for `percent` of `paid`, rounded down (never more than was paid)."""
    return paid * percent // 100
