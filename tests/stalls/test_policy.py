"""The cancellation policy: 100% until 14 days before the festival, 50% until 7, nothing after (per edition), days
counted in Denpasar; what the applicant's cancel page promises is what the policy gives at that moment."""

from datetime import UTC, date, datetime

import pytest

from app.stalls.models import StallSettings
from app.stalls.services import policy

STARTS = date(2027, 8, 14)  # the factories' festival (EditionFactory.starts_on)
DEFAULT = StallSettings(full_refund_days=14, partial_refund_days=7, partial_refund_percent=50)


def at_noon_in_denpasar(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 4, 0, tzinfo=UTC)  # 12:00 WITA (UTC+8)


@pytest.mark.parametrize(("day", "percent"), [
    (date(2027, 7, 30), 100),  # 15 days before
    (date(2027, 7, 31), 100),  # 14 days before: still everything
    (date(2027, 8, 1), 50),    # 13 days
    (date(2027, 8, 6), 50),    # 8 days before
    (date(2027, 8, 7), 50),    # 7 days before: still half
    (date(2027, 8, 8), 0),     # 6 days before
    (date(2027, 8, 14), 0),    # the first day
    (date(2027, 8, 20), 0),    # after the festival
])
def test_tiers(day, percent):
    assert policy.refund_percent(DEFAULT, STARTS, at_noon_in_denpasar(day)) == percent


def test_the_day_changes_at_midnight_in_denpasar_not_in_utc():
    # 23:59:59 WITA on 31 July (14 days before): everything back.
    assert policy.refund_percent(DEFAULT, STARTS, datetime(2027, 7, 31, 15, 59, 59, tzinfo=UTC)) == 100
    # One second later it is 1 August in Denpasar (still 31 July in UTC and in Darwin's evening): half.
    assert policy.refund_percent(DEFAULT, STARTS, datetime(2027, 7, 31, 16, 0, 0, tzinfo=UTC)) == 50
    assert policy.refund_percent(DEFAULT, STARTS, datetime(2027, 8, 7, 16, 0, 0, tzinfo=UTC)) == 0


def test_an_edition_has_its_own_policy():
    strict = StallSettings(full_refund_days=30, partial_refund_days=10, partial_refund_percent=25)
    assert policy.refund_percent(strict, STARTS, at_noon_in_denpasar(date(2027, 7, 15))) == 100  # 30 days
    assert policy.refund_percent(strict, STARTS, at_noon_in_denpasar(date(2027, 7, 16))) == 25
    assert policy.refund_percent(strict, STARTS, at_noon_in_denpasar(date(2027, 8, 5))) == 0  # 9 days


def test_amounts_are_whole_rupiah_rounded_down_and_never_more_than_paid():
    assert policy.refund_amount(500_000, 100) == 500_000
    assert policy.refund_amount(500_000, 50) == 250_000
    assert policy.refund_amount(333_333, 50) == 166_666
    assert policy.refund_amount(333_333, 0) == 0
    assert policy.refund_amount(10**12 - 1, 100) == 10**12 - 1
