"""The certificate as a PDF: one A4 landscape page in Indonesian and English (each line in both), with the holder's
name, the cohort, its partner and dates, the verification code, the verification address and a QR code of it.

DejaVu Sans is embedded (app/static/vendor/fonts/) so that any name prints as written: reportlab's standard fonts
stop at Latin-1.
"""

import io
from pathlib import Path

from babel.dates import format_date
from flask import current_app
from flask_babel import LazyString, force_locale
from flask_babel import lazy_gettext as _l
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from app.cohorts.models import Certificate, Cohort
from app.core.mail import external_url

FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
INK, MUTED, ACCENT = HexColor("#1b1b1b"), HexColor("#4a4a4a"), HexColor("#8a1c1c")
LANGUAGES = ("id", "en")
WIDTH, HEIGHT = landscape(A4)
MARGIN = 20 * mm
TITLE = _l("Certificate of completion")


def _fonts() -> None:
    registered = pdfmetrics.getRegisteredFontNames()
    folder = Path(current_app.static_folder or "") / "vendor" / "fonts"
    for name in (FONT, BOLD):
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(folder / f"{name}.ttf")))


def _in(locale: str, text: LazyString) -> str:
    with force_locale(locale):
        return str(text)


def _both(text: LazyString) -> tuple[str, str]:
    """`text` (marked with `_l` so that it is extracted for translation) in Indonesian and in English."""
    return _in("id", text), _in("en", text)


def _centred(canvas: Canvas, y: float, text: str, font: str, size: float, color=INK) -> None:
    """One centred line, made smaller until it fits between the margins (a long name stays on the page)."""
    while size > 8 and pdfmetrics.stringWidth(text, font, size) > WIDTH - 2 * MARGIN:
        size -= 1
    canvas.setFont(font, size)
    canvas.setFillColor(color)
    canvas.drawCentredString(WIDTH / 2, y, text)


class _Lines:
    """Centred lines from the top down, each followed by a gap in proportion to its size."""

    def __init__(self, canvas: Canvas, top: float):
        self.canvas, self.y = canvas, top

    def put(self, text: str, font: str = FONT, size: float = 13, color=INK, after: float = 1.3) -> None:
        _centred(self.canvas, self.y, text, font, size, color)
        self.y -= size * after

    def both(self, text: LazyString, size: float = 13, after: float = 2.2) -> None:
        indonesian, english = _both(text)
        self.put(indonesian, size=size)
        self.put(english, size=size - 2, color=MUTED, after=after)


def _dates(cohort: Cohort, locale: str) -> str:
    first, last = (format_date(day, "long", locale=locale) for day in (cohort.starts_on, cohort.ends_on))
    return f"{first} – {last}"


def _qr(canvas: Canvas, url: str, x: float, y: float, size: float) -> None:
    widget = QrCodeWidget(url, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x, y)


def render(certificate: Certificate) -> bytes:
    _fonts()
    cohort = certificate.participant.cohort
    verify_url = external_url("cohorts.verify_code", code=certificate.code)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(WIDTH, HEIGHT), pageCompression=1)
    canvas.setTitle(f"{_both(TITLE)[1]} {certificate.code}")
    canvas.setAuthor("D'Youth Denpasar")
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(2)
    canvas.rect(MARGIN / 2, MARGIN / 2, WIDTH - MARGIN, HEIGHT - MARGIN)

    lines = _Lines(canvas, HEIGHT - MARGIN - 12 * mm)
    title_id, title_en = _both(TITLE)
    lines.put(title_id.upper(), BOLD, 26, ACCENT, after=1.1)
    lines.put(title_en, size=16, color=MUTED, after=2.2)
    lines.both(_l("This certifies that"))
    lines.put(certificate.holder_name, BOLD, 28, after=1.5)
    lines.both(_l("has completed the incubator programme"))
    if cohort.name("en") != cohort.name("id"):
        lines.put(cohort.name("id"), BOLD, 18)
        lines.put(cohort.name("en"), size=14, color=MUTED, after=1.9)
    else:
        lines.put(cohort.name("id"), BOLD, 18, after=1.9)
    if cohort.partner:
        lines.both(_l("with %(partner)s", partner=cohort.partner))
    lines.put(_dates(cohort, "id"), size=12)
    lines.put(_dates(cohort, "en"), size=11, color=MUTED)

    # The verification block: code and address on the left, the QR code of the address on the right.
    qr_size = 34 * mm
    base = MARGIN + 4 * mm
    _qr(canvas, verify_url, WIDTH - MARGIN - qr_size, base, qr_size)
    issued = " / ".join(_in(locale, _l("Issued on %(date)s",
                                        date=format_date(certificate.issued_at.date(), "long", locale=locale)))
                        for locale in LANGUAGES)
    programme = _both(_l("D'Youth is a programme of the City of Denpasar with partners from the City of Darwin."))
    footer = [
        (BOLD, 11, " / ".join(_both(_l("Verification code"))) + f": {certificate.code}"),
        (FONT, 9, " / ".join(_both(_l("Check it at"))) + f": {verify_url}"),
        (FONT, 9, issued),
        (FONT, 8, programme[0]),
        (FONT, 8, programme[1]),
    ]
    line_y = base + qr_size - 10
    for font, size, text in footer:
        canvas.setFont(font, size)
        canvas.setFillColor(INK if font == BOLD else MUTED)
        canvas.drawString(MARGIN + 2 * mm, line_y, text)
        line_y -= size * 1.6
    canvas.showPage()
    canvas.save()
    return out.getvalue()
