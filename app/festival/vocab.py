"""Domain vocabularies: districts, creative-economy subsectors, business stages, call kinds (with translated labels)."""

import enum

from flask_babel import lazy_gettext as _l


class District(enum.StrEnum):
    DENPASAR_BARAT = "denpasar_barat"
    DENPASAR_SELATAN = "denpasar_selatan"
    DENPASAR_TIMUR = "denpasar_timur"
    DENPASAR_UTARA = "denpasar_utara"
    STUDY_OR_WORK = "study_or_work"


DISTRICT_LABELS = {
    District.DENPASAR_BARAT: "Denpasar Barat",
    District.DENPASAR_SELATAN: "Denpasar Selatan",
    District.DENPASAR_TIMUR: "Denpasar Timur",
    District.DENPASAR_UTARA: "Denpasar Utara",
    District.STUDY_OR_WORK: _l("Living elsewhere, studying or working in Denpasar"),
}


class Subsector(enum.StrEnum):
    APP_DEVELOPMENT = "app_development"
    GAME_DEVELOPMENT = "game_development"
    ARCHITECTURE = "architecture"
    INTERIOR_DESIGN = "interior_design"
    VISUAL_COMMUNICATION_DESIGN = "visual_communication_design"
    PRODUCT_DESIGN = "product_design"
    FASHION = "fashion"
    FILM_ANIMATION_VIDEO = "film_animation_video"
    PHOTOGRAPHY = "photography"
    CRAFTS = "crafts"
    CULINARY = "culinary"
    MUSIC = "music"
    PUBLISHING = "publishing"
    ADVERTISING = "advertising"
    PERFORMING_ARTS = "performing_arts"
    FINE_ARTS = "fine_arts"
    TELEVISION_AND_RADIO = "television_and_radio"


SUBSECTOR_LABELS = {
    Subsector.APP_DEVELOPMENT: _l("App development"),
    Subsector.GAME_DEVELOPMENT: _l("Game development"),
    Subsector.ARCHITECTURE: _l("Architecture"),
    Subsector.INTERIOR_DESIGN: _l("Interior design"),
    Subsector.VISUAL_COMMUNICATION_DESIGN: _l("Visual communication design"),
    Subsector.PRODUCT_DESIGN: _l("Product design"),
    Subsector.FASHION: _l("Fashion"),
    Subsector.FILM_ANIMATION_VIDEO: _l("Film, animation and video"),
    Subsector.PHOTOGRAPHY: _l("Photography"),
    Subsector.CRAFTS: _l("Crafts (kriya)"),
    Subsector.CULINARY: _l("Culinary"),
    Subsector.MUSIC: _l("Music"),
    Subsector.PUBLISHING: _l("Publishing"),
    Subsector.ADVERTISING: _l("Advertising"),
    Subsector.PERFORMING_ARTS: _l("Performing arts"),
    Subsector.FINE_ARTS: _l("Fine arts"),
    Subsector.TELEVISION_AND_RADIO: _l("Television and radio"),
}


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
