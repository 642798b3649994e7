"""The mentor matcher, free of the database: inputs, explained scores, and the exact solver.

    from app.mentoring.matching import Hours, Mentor, Participant, solve, explain, rematch_one, diff
"""

from app.mentoring.matching.explain import Explanation, Part, ScorePart, explain
from app.mentoring.matching.inputs import Hours, MatchingInputError, Mentor, Participant, Weights, overlap_minutes
from app.mentoring.matching.scoring import ScoreTable, score_table
from app.mentoring.matching.solver import (
    Assignment,
    Changes,
    Pair,
    Unmatched,
    UnmatchedReason,
    diff,
    rematch_one,
    solve,
)

__all__ = ["Assignment", "Changes", "Explanation", "Hours", "MatchingInputError", "Mentor", "Pair", "Part",
           "Participant", "ScorePart", "ScoreTable", "Unmatched", "UnmatchedReason", "Weights", "diff", "explain",
           "overlap_minutes", "rematch_one", "score_table", "solve"]
