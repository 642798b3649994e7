"""factory_boy factories for the models; rows are committed so that requests see them."""

from datetime import UTC, date, datetime, timedelta

import factory
from werkzeug.security import generate_password_hash

from app.accounts.models import Invitation, User
from app.core.clock import now_utc
from app.core.permissions import Role
from app.extensions import db
from app.festival.models import Application, Call, Edition, EditionStatus, ReviewAssignment
from app.festival.models.application import ApplicationStatus
from app.festival.services.defaults import add_defaults
from app.festival.vocab import CallKind, District, Stage, Subsector

PASSWORD = "correct horse battery"
# Hashed once with the test config's cheap method, so that factories stay fast.
PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


class BaseFactory(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class UserFactory(BaseFactory):
    class Meta:
        model = User

    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"user{n}@example.com")
    password_hash = PASSWORD_HASH
    roles = factory.LazyFunction(lambda: {Role.APPLICANT})  # a set: UserFactory(roles={Role.MENTOR, Role.REVIEWER})
    phone_e164 = factory.Sequence(lambda n: f"+62812{n:07d}")
    date_of_birth = date(2004, 5, 17)
    locale = "id"
    timezone = "Asia/Makassar"
    email_confirmed_at = factory.LazyFunction(now_utc)

    class Params:
        unconfirmed = factory.Trait(email_confirmed_at=None)
        staff = factory.Trait(roles={Role.STAFF}, date_of_birth=None)
        mentor = factory.Trait(roles={Role.MENTOR}, locale="en", timezone="Australia/Darwin", date_of_birth=None)
        reviewer = factory.Trait(roles={Role.REVIEWER}, date_of_birth=None)


class InvitationFactory(BaseFactory):
    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    name = factory.Faker("name")
    role = Role.MENTOR
    locale = "en"
    invited_by = factory.SubFactory(UserFactory, staff=True)
    expires_at = factory.LazyFunction(lambda: now_utc() + timedelta(days=14))


class EditionFactory(BaseFactory):
    class Meta:
        model = Edition

    name = factory.Sequence(lambda n: f"D'Youth Festival {2027 + n}")
    slug = factory.Sequence(lambda n: f"dyf-{2027 + n}")
    code = factory.Sequence(lambda n: f"DYF{27 + n}")
    starts_on = date(2027, 8, 14)
    ends_on = date(2027, 8, 16)
    venue = "Lapangan Puputan Badung, Denpasar"
    applications_open_at = datetime(2027, 3, 1, tzinfo=UTC)
    applications_close_at = datetime(2027, 5, 31, 15, 59, tzinfo=UTC)
    status = EditionStatus.PUBLISHED


class CallFactory(BaseFactory):
    class Meta:
        model = Call

    edition = factory.SubFactory(EditionFactory)
    kind = CallKind.BAZAAR
    name_ind = "Bazar UMKM Kreatif"
    name_en = "Creative bazaar"
    description_ind = "Stan untuk menjual produk Anda selama festival."
    description_en = "A stall to sell your products during the festival."
    reviewers_per_application = 2

    @factory.post_generation
    def defaults(self, create, extracted, **kwargs):  # the kind's questions and rubric, unless defaults=False
        if extracted is False:
            return
        add_defaults(self)
        if create:
            db.session.commit()


class ApplicationFactory(BaseFactory):
    """A complete draft (every step filled); use `submitted=True` for one that has been sent."""

    class Meta:
        model = Application

    call = factory.SubFactory(CallFactory)
    applicant = factory.SubFactory(UserFactory)
    full_name = factory.LazyAttribute(lambda o: o.applicant.name)
    phone_e164 = factory.LazyAttribute(lambda o: o.applicant.phone_e164)
    date_of_birth = factory.LazyAttribute(lambda o: o.applicant.date_of_birth)
    district = District.DENPASAR_SELATAN
    business_name = factory.Sequence(lambda n: f"Usaha Kreatif {n}")
    subsector = Subsector.CULINARY
    stage = Stage.STARTED
    founded_on = date(2024, 1, 10)
    team_size = 2
    description = "Jajanan Bali modern dengan bahan lokal."
    answers = factory.LazyFunction(lambda: {"products": "Klepon, laklak", "price_range": "Rp 10.000 – 30.000"})
    consent_at = factory.LazyFunction(now_utc)
    status = ApplicationStatus.DRAFT

    class Params:
        submitted = factory.Trait(
            status=ApplicationStatus.SUBMITTED,
            submitted_at=factory.LazyFunction(now_utc),
            reference=factory.Sequence(lambda n: f"DYF27-{n + 1:05d}"),
        )


class AssignmentFactory(BaseFactory):
    class Meta:
        model = ReviewAssignment

    application = factory.SubFactory(ApplicationFactory, submitted=True)
    reviewer = factory.SubFactory(UserFactory, reviewer=True)
