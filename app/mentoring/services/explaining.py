"""A stored score's parts in plain words ("why this pair"), in the viewer's language."""

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core.vocab import Subsector
from app.mentoring.matching import ScorePart
from app.mentoring.vocab import Function, Language

RANKS = {1: _l("their first choice"), 2: _l("their second choice"), 3: _l("their third choice")}


@dataclass(frozen=True)
class Line:
    label: str
    text: str
    points: int


def _names(values: list[str], vocabulary) -> str:
    known = {member.value: member for member in vocabulary}
    return ", ".join(known[value].label if value in known else value for value in values)


def _hours(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return _("%(hours)d h %(minutes)02d min", hours=hours, minutes=rest)


def describe(parts: list[dict]) -> list[Line]:
    lines = []
    for part in parts:
        kind, points, detail = part["part"], int(part["points"]), part.get("detail") or {}
        shared = list(detail.get("shared") or [])
        if kind == "languages":
            lines.append(Line(_("Shared language (required)"), _names(shared, Language), points))
        elif kind == ScorePart.SUBSECTORS:
            lines.append(Line(ScorePart.SUBSECTORS.label, _names(shared, Subsector) or _("none in common"), points))
        elif kind == ScorePart.TOPICS:
            lines.append(Line(ScorePart.TOPICS.label, _names(shared, Function) or _("none of their topics"), points))
        elif kind == ScorePart.HOURS:
            minutes = int(detail.get("minutes") or 0)
            lines.append(Line(ScorePart.HOURS.label, _("%(time)s a day", time=_hours(minutes)) if minutes
                              else _("no working hours in common"), points))
        elif kind == ScorePart.PREFERRED_LANGUAGE:
            lines.append(Line(ScorePart.PREFERRED_LANGUAGE.label, _names(shared, Language) or _("no"), points))
        elif kind == ScorePart.PREFERENCE:
            rank = int(detail.get("rank") or 0)
            lines.append(Line(ScorePart.PREFERENCE.label, str(RANKS[rank]) if rank in RANKS
                              else _("not among their choices"), points))
    return lines
