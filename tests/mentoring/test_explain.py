"""Why a pair scores what it does: the parts, and working hours across Denpasar (WITA) and Darwin (ACST)."""

from datetime import date, time

from app.core.i18n import TimeZone
from app.core.vocab import Subsector
from app.mentoring.matching import Hours, Mentor, Participant, ScorePart, Weights, explain, overlap_minutes, solve

NINE_TO_FIVE = Hours(time(9), time(17))


def ayu(**changes):
    values = dict(id=1, subsectors={Subsector.CRAFTS, Subsector.FASHION}, topics={"export", "marketing", "legal"},
                  languages={"id", "en"}, preferred_language="en", hours=NINE_TO_FIVE, zone=TimeZone.DENPASAR,
                  preferred_mentors=(30, 20))
    return Participant(**values | changes)


def kate(**changes):
    values = dict(id=20, subsectors={Subsector.CRAFTS, Subsector.MUSIC}, functions={"export", "marketing", "finance"},
                  languages={"en"}, capacity=4, hours=NINE_TO_FIVE, zone=TimeZone.DARWIN)
    return Mentor(**values | changes)


def test_nine_to_five_in_denpasar_and_in_darwin_share_six_and_a_half_hours():
    denpasar = NINE_TO_FIVE.utc_window(TimeZone.DENPASAR)  # 01:00–09:00 UTC
    darwin = NINE_TO_FIVE.utc_window(TimeZone.DARWIN)  # 23:30 the day before – 07:30 UTC
    assert denpasar == (60, 480) and darwin == (23 * 60 + 30, 480)
    assert overlap_minutes(denpasar, darwin) == overlap_minutes(darwin, denpasar) == 390
    assert explain(ayu(), kate()).part(ScorePart.HOURS).minutes == 390


def test_hours_across_midnight_and_with_no_overlap():
    late = Hours(time(22), time(2))  # Darwin 22:00–02:00 = Denpasar 20:30–00:30
    assert late.minutes == 240
    evening = Hours(time(18), time(23))
    assert overlap_minutes(evening.utc_window(TimeZone.DENPASAR), late.utc_window(TimeZone.DARWIN)) == 150
    assert overlap_minutes(NINE_TO_FIVE.utc_window(TimeZone.DENPASAR), late.utc_window(TimeZone.DARWIN)) == 0
    # Any day of the year gives the same answer: neither zone has daylight saving.
    assert NINE_TO_FIVE.utc_window(TimeZone.DARWIN, date(2025, 7, 1)) == NINE_TO_FIVE.utc_window(TimeZone.DARWIN)


def test_the_parts_and_their_points():
    weights = Weights(subsector=10, topic=6, hour=2, preferred_language=5, preference=(30, 20, 10))
    why = explain(ayu(), kate(), weights)
    assert why.feasible and why.shared_languages == ("en",)
    assert [(part.kind, part.points) for part in why.parts] == [
        (ScorePart.SUBSECTORS, 10), (ScorePart.TOPICS, 12), (ScorePart.HOURS, 13), (ScorePart.PREFERRED_LANGUAGE, 5),
        (ScorePart.PREFERENCE, 20)]
    assert why.part(ScorePart.SUBSECTORS).shared == ("crafts",)
    assert why.part(ScorePart.TOPICS).shared == ("export", "marketing")
    assert why.part(ScorePart.PREFERENCE).rank == 2
    assert why.score == 10 + 12 + 13 + 5 + 20


def test_no_shared_language_makes_the_pair_impossible_whatever_it_scores():
    why = explain(ayu(languages={"id"}, preferred_language="id"), kate())
    assert not why.feasible and why.score > 0
    result = solve([ayu(languages={"id"}, preferred_language="id")], [kate()])
    assert result.pairs == () and result.unmatched[0].reason == "no_shared_language"


def test_the_solution_carries_the_why_of_each_pair():
    other = kate(id=30, languages={"id"}, functions=set())
    result = solve([ayu()], [kate(), other])
    (pair,) = result.pairs
    # Kate, her second choice (20), covers two topics (12) in her preferred language (5): 60 points against 53 for
    # her first choice (30) who covers none.
    assert (pair.mentor_id, pair.score, explain(ayu(), other).score) == (20, 60, 53)
    assert pair.explanation == explain(ayu(), kate())
    assert sum(part.points for part in pair.explanation.parts) == pair.score


def test_labels_are_translated(app):
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("en"):
        assert ScorePart.HOURS.label == "Shared working hours"
