"""Scores: a reviewer's weighted mean over the rubric, and an application's mean and spread over its reviewers."""

from statistics import fmean, pstdev

from sqlalchemy import select

from app.extensions import db
from app.festival.models import Application
from app.festival.models.review import AssignmentStatus, ReviewAssignment


def weighted_mean(values_and_weights: list[tuple[int, int]]) -> float | None:
    total_weight = sum(weight for _, weight in values_and_weights)
    if not total_weight:
        return None
    return sum(value * weight for value, weight in values_and_weights) / total_weight


def assignment_score(assignment: ReviewAssignment) -> float | None:
    return weighted_mean([(score.value, score.criterion.weight) for score in assignment.scores])


def submitted_assignments(application: Application) -> list[ReviewAssignment]:
    return list(db.session.scalars(
        select(ReviewAssignment)
        .where(ReviewAssignment.application_id == application.id,
               ReviewAssignment.status == AssignmentStatus.SUBMITTED)
        .order_by(ReviewAssignment.id)
    ))


def recompute_scores(application: Application) -> None:
    """Refresh the stored mean (of reviewers' weighted means), spread (population standard deviation) and count."""
    scores = [a.weighted_score for a in submitted_assignments(application) if a.weighted_score is not None]
    application.review_count = len(scores)
    application.score_mean = round(fmean(scores), 3) if scores else None
    application.score_spread = round(pstdev(scores), 3) if len(scores) > 1 else (0.0 if scores else None)
