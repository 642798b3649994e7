"""Festival vocabularies: business stages and call kinds (districts and subsectors are shared: `app.core.vocab`)."""

import enum

from flask_babel import lazy_gettext as _l

from app.core.vocab import _LABELS, District, Subsector

DISTRICT_LABELS = _LABELS[District]
SUBSECTOR_LABELS = _LABELS[Subsector]


class Stage(enum.StrEnum):
    IDEA = "idea"
    STARTED = "started"
    GROWING = "growing"


STAGE_LABELS = {
    Stage.IDEA: _l("Idea: not selling yet"),
    Stage.STARTED: _l("Started: first customers"),
    Stage.GROWING: _l("Growing: regular sales"),
}


class CallKind(enum.StrEnum):
    BAZAAR = "bazaar"
    PITCHING = "pitching"
    SHOWCASE = "showcase"


CALL_KIND_LABELS = {
    CallKind.BAZAAR: _l("Stall / bazaar"),
    CallKind.PITCHING: _l("Pitching competition"),
    CallKind.SHOWCASE: _l("Creative showcase"),
}


def label(labels: dict, value: object) -> str:
    return str(labels.get(value, value))
