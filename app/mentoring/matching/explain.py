"""Why a pair scores what it scores: the parts of one participant–mentor score, computed one pair at a time.

This is the readable definition of the score. `scoring.score_table` computes the same numbers for every pair at once
with numpy; the tests check that the two agree and that the parts add up to the score.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from app.core.vocab import Vocabulary, declare_labels
from app.mentoring.matching.inputs import REFERENCE_DAY, Mentor, Participant, Weights, overlap_minutes


class ScorePart(Vocabulary):
    SUBSECTORS = "subsectors"
    TOPICS = "topics"
    HOURS = "hours"
    PREFERRED_LANGUAGE = "preferred_language"
    PREFERENCE = "preference"


declare_labels(ScorePart, {
    ScorePart.SUBSECTORS: _l("Shared subsectors"),
    ScorePart.TOPICS: _l("Topics the mentor covers"),
    ScorePart.HOURS: _l("Shared working hours"),
    ScorePart.PREFERRED_LANGUAGE: _l("Speaks the preferred language"),
    ScorePart.PREFERENCE: _l("The participant's preferred mentor"),
})


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a score: what matched (`shared`: the subsectors, topics or language in common; `minutes` of
    shared working time; `rank` 1–3 of the preference) and the points it earns."""

    kind: ScorePart
    points: int
    shared: tuple[str, ...] = ()
    minutes: int = 0
    rank: int = 0


@dataclass(frozen=True, slots=True)
class Explanation:
    participant_id: object
    mentor_id: object
    shared_languages: tuple[str, ...]  # empty: the pair is impossible (language is a hard requirement)
    parts: tuple[Part, ...]

    @property
    def feasible(self) -> bool:
        return bool(self.shared_languages)

    @property
    def score(self) -> int:
        return sum(part.points for part in self.parts)

    def part(self, kind: ScorePart) -> Part:
        return next(part for part in self.parts if part.kind == kind)


def explain(participant: Participant, mentor: Mentor, weights: Weights | None = None,
            on: date = REFERENCE_DAY) -> Explanation:
    """Every part of the pair's score, in a fixed order, each listed even when it earns nothing."""
    weights = weights or Weights()
    subsectors = tuple(sorted(participant.subsectors & mentor.subsectors))
    topics = tuple(sorted(participant.topics & mentor.functions))
    minutes = overlap_minutes(participant.hours.utc_window(participant.zone, on),
                              mentor.hours.utc_window(mentor.zone, on))
    preferred = participant.preferred_language
    speaks_preferred = preferred is not None and preferred in mentor.languages
    rank = participant.preferred_mentors.index(mentor.id) + 1 if mentor.id in participant.preferred_mentors else 0
    parts = (
        Part(ScorePart.SUBSECTORS, weights.subsector * len(subsectors), shared=subsectors),
        Part(ScorePart.TOPICS, weights.topic * len(topics), shared=topics),
        Part(ScorePart.HOURS, weights.hours_points(minutes), minutes=minutes),
        Part(ScorePart.PREFERRED_LANGUAGE, weights.preferred_language if speaks_preferred else 0,
             shared=(preferred,) if speaks_preferred else ()),
        Part(ScorePart.PREFERENCE, weights.preference[rank - 1] if rank else 0, rank=rank),
    )
    return Explanation(participant.id, mentor.id, tuple(sorted(participant.languages & mentor.languages)), parts)
