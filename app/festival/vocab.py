"""Festival vocabularies: business stages and call kinds (districts and subsectors are shared: `app.core.vocab`)."""

from flask_babel import lazy_gettext as _l

from app.core.vocab import District, Subsector, Vocabulary, declare_labels

__all__ = ["CallKind", "District", "Stage", "Subsector"]


class Stage(Vocabulary):
    IDEA = "idea"
    STARTED = "started"
    GROWING = "growing"


declare_labels(Stage, {
    Stage.IDEA: _l("Idea: not selling yet"),
    Stage.STARTED: _l("Started: first customers"),
    Stage.GROWING: _l("Growing: regular sales"),
})


class CallKind(Vocabulary):
    BAZAAR = "bazaar"
    PITCHING = "pitching"
    SHOWCASE = "showcase"


declare_labels(CallKind, {
    CallKind.BAZAAR: _l("Stall / bazaar"),
    CallKind.PITCHING: _l("Pitching competition"),
    CallKind.SHOWCASE: _l("Creative showcase"),
})
