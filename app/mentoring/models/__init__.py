"""The mentoring models: profiles and needs (`profiles`), matcher runs (`runs`), mentorships and meetings
(`mentorships`)."""

from app.mentoring.models.mentorships import Meeting, Mentorship, MentorshipStatus
from app.mentoring.models.profiles import CohortMentor, MentorProfile, ParticipantNeeds
from app.mentoring.models.runs import MatchRun, PairRule, ProposedPair, RuleKind, RunStatus

__all__ = ["CohortMentor", "MatchRun", "Meeting", "MentorProfile", "Mentorship", "MentorshipStatus", "PairRule",
           "ParticipantNeeds", "ProposedPair", "RuleKind", "RunStatus"]
