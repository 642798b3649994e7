"""factory_boy factories and sample files for progress reports.

    report = ReportFactory(milestone=milestone, participant=participant)                 # submitted, text only
    report = ReportFactory(status=ReportStatus.ACCEPTED)                                 # of a new milestone/person
"""

import io
from datetime import UTC, datetime

import factory
from PIL import Image

from app.cohorts.models import ProgressReport, ReportComment, ReportStatus
from tests.cohorts.factories import MilestoneFactory, ParticipantFactory
from tests.factories import BaseFactory, UserFactory


class ReportFactory(BaseFactory):
    class Meta:
        model = ProgressReport

    class Params:
        milestone = factory.SubFactory(MilestoneFactory)
        participant = factory.LazyAttribute(lambda o: ParticipantFactory(cohort=o.milestone.cohort))

    milestone_id = factory.LazyAttribute(lambda o: o.milestone.id)
    participant_id = factory.LazyAttribute(lambda o: o.participant.id)
    status = ReportStatus.SUBMITTED
    text = "Kanvas sudah diisi dan dibahas dengan tiga pelanggan."
    submitted_at = datetime(2027, 9, 28, 3, 0, tzinfo=UTC)


class CommentFactory(BaseFactory):
    class Meta:
        model = ReportComment

    class Params:
        report = factory.SubFactory(ReportFactory)
        author = factory.SubFactory(UserFactory, staff=True)

    report_id = factory.LazyAttribute(lambda o: o.report.id)
    author_id = factory.LazyAttribute(lambda o: o.author.id)
    body = "Bagus. Tambahkan harga pokok produksi."


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def photo_with_gps(image_format: str = "JPEG") -> bytes:
    """A small photo carrying EXIF: a camera name and a GPS position in Denpasar (JPEG/WebP keep EXIF)."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "S", 2: (8.0, 39.0, 30.0), 3: "E", 4: (115.0, 13.0, 0.0)}
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 40, 40)).save(buffer, format=image_format, exif=exif)
    return buffer.getvalue()
