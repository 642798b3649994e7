"""Shared vocabularies carry their own translated labels, translated once per language."""

import enum

import pytest
from flask_babel import force_locale

from app.core import vocab
from app.core.vocab import District, Subsector, Vocabulary, declare_labels, labels_of


def test_every_member_has_a_label_in_both_languages(app):
    with app.test_request_context():
        for kind in (District, Subsector):
            for locale in ("id", "en"):
                with force_locale(locale):
                    assert all(member.label and member.label != member.value for member in kind)


def test_labels_follow_the_language(app):
    with app.test_request_context():
        with force_locale("en"):
            assert Subsector.CRAFTS.label == "Crafts (kriya)"
        with force_locale("id"):
            assert Subsector.CRAFTS.label == "Kriya"


def test_choices_can_be_sorted_in_the_pages_language(app):
    with app.test_request_context():
        with force_locale("id"):
            labels = [label for _, label in Subsector.choices(sort=True)]
    assert labels == sorted(labels, key=str.casefold) and len(labels) == 17
    assert [value for value, _ in Subsector.choices()][0] == "app_development"  # declared order by default


def test_a_vocabulary_without_every_label_is_refused():
    class Colour(Vocabulary):
        RED = "red"
        BLUE = "blue"

    with pytest.raises(ValueError, match="blue"):
        declare_labels(Colour, {Colour.RED: "Red"})


def test_each_language_is_translated_once(app):
    calls = []

    class Counted(str):
        def __str__(self):
            calls.append(1)
            return super().__str__()

    class Size(Vocabulary):
        SMALL = "small"

    declare_labels(Size, {Size.SMALL: Counted("Small")})
    with app.test_request_context():
        for _ in range(50):
            labels_of(Size)
    assert len(calls) == 1
    assert isinstance(Size.SMALL, enum.Enum) and (Size, "id") in vocab._TRANSLATED
