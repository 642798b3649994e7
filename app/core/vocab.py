"""Vocabularies shared by the domains (districts, creative-economy subsectors), and `Vocabulary`, the enum that
carries its own translated label.

A vocabulary is stored as its value and shown as `member.label`. Labels are declared once per vocabulary and
translated once per language for the life of the process (catalogs do not change while it runs), so a page of 50 rows
costs no catalog lookups per cell.
"""

import enum
from collections.abc import Mapping

from flask import g
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

_LABELS: dict[type, Mapping] = {}
_TRANSLATED: dict[tuple[type, str], dict] = {}


class Vocabulary(enum.StrEnum):
    """An enum whose members know their translated label (in the language of the current page or mail)."""

    @property
    def label(self) -> str:
        return labels_of(type(self))[self]

    @classmethod
    def choices(cls, sort: bool = False) -> list[tuple[str, str]]:
        """(value, label) pairs for a select field; `sort=True` orders them by label in the page's language."""
        labels = labels_of(cls)
        pairs = [(member.value, labels[member]) for member in cls]
        return sorted(pairs, key=lambda pair: pair[1].casefold()) if sort else pairs


def declare_labels(kind: type[Vocabulary], labels: Mapping) -> None:
    """Give every member of `kind` its (lazy) label; a member without one is a programming error."""
    missing = set(kind) - set(labels)
    if missing:
        raise ValueError(f"{kind.__name__}: no label for {sorted(missing)}")
    _LABELS[kind] = labels


def labels_of(kind: type[Vocabulary]) -> dict:
    """Every member's label in the current language, translated once per language."""
    key = (kind, str(_current_locale()))
    translated = _TRANSLATED.get(key)
    if translated is None:
        translated = _TRANSLATED[key] = {member: str(label) for member, label in _LABELS[kind].items()}
    return translated


def _current_locale() -> object:
    """The page's (or the mail's, under `force_locale`) locale. Once Flask-Babel has chosen it for this request it
    sits on `g`, and reading it there keeps a label as cheap as a dict lookup (`get_locale()` per cell would cost a
    context lookup per row); before that, `get_locale()` chooses it."""
    babel_context = g.get("_flask_babel") if g else None
    return getattr(babel_context, "babel_locale", None) or get_locale()


class District(Vocabulary):
    """Where an applicant lives: Denpasar's four kecamatan, or elsewhere while studying or working here."""

    DENPASAR_BARAT = "denpasar_barat"
    DENPASAR_SELATAN = "denpasar_selatan"
    DENPASAR_TIMUR = "denpasar_timur"
    DENPASAR_UTARA = "denpasar_utara"
    STUDY_OR_WORK = "study_or_work"


declare_labels(District, {
    District.DENPASAR_BARAT: "Denpasar Barat",
    District.DENPASAR_SELATAN: "Denpasar Selatan",
    District.DENPASAR_TIMUR: "Denpasar Timur",
    District.DENPASAR_UTARA: "Denpasar Utara",
    District.STUDY_OR_WORK: _l("Living elsewhere, studying or working in Denpasar"),
})


class Subsector(Vocabulary):
    """The 17 subsectors of Indonesia's creative economy."""

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


declare_labels(Subsector, {
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
})
