"""The mentoring vocabularies: what a mentor offers besides the 17 creative-economy subsectors (functions), and the
languages people mentor in."""

from flask_babel import lazy_gettext as _l

from app.core.vocab import Vocabulary, declare_labels


class Function(Vocabulary):
    """A business function a mentor knows and a participant may ask about (a participant's "topic")."""

    MARKETING = "marketing"
    SALES = "sales"
    FINANCE = "finance"
    FUNDRAISING = "fundraising"
    EXPORT = "export"
    DIGITAL = "digital"
    BRANDING = "branding"
    PRODUCT = "product"
    OPERATIONS = "operations"
    LEGAL = "legal"


declare_labels(Function, {
    Function.MARKETING: _l("Marketing"),
    Function.SALES: _l("Sales"),
    Function.FINANCE: _l("Finance and bookkeeping"),
    Function.FUNDRAISING: _l("Funding and investors"),
    Function.EXPORT: _l("Export"),
    Function.DIGITAL: _l("Digital and online selling"),
    Function.BRANDING: _l("Branding and design"),
    Function.PRODUCT: _l("Product development"),
    Function.OPERATIONS: _l("Operations and supply"),
    Function.LEGAL: _l("Legal, permits and intellectual property"),
})


class Language(Vocabulary):
    INDONESIAN = "id"
    ENGLISH = "en"
    BALINESE = "ban"
    JAVANESE = "jv"
    MANDARIN = "zh"
    MALAY = "ms"


declare_labels(Language, {
    Language.INDONESIAN: _l("Indonesian"),
    Language.ENGLISH: _l("English"),
    Language.BALINESE: _l("Balinese"),
    Language.JAVANESE: _l("Javanese"),
    Language.MANDARIN: _l("Mandarin"),
    Language.MALAY: _l("Malay"),
})
