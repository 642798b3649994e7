"""Festival models, one module per aggregate."""

from app.festival.models.application import Application, ApplicationEvent, ApplicationFile
from app.festival.models.call import Call, CallQuestion, RubricCriterion
from app.festival.models.edition import Edition, EditionStatus
from app.festival.models.review import ReviewAssignment, ReviewScore

__all__ = [
    "Application", "ApplicationEvent", "ApplicationFile", "Call", "CallQuestion", "Edition", "EditionStatus",
    "ReviewAssignment", "ReviewScore", "RubricCriterion",
]
