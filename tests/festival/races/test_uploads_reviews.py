"""Ten parallel photo uploads stay within the limit; ten parallel first submissions of one review save one review."""

import io

from PIL import Image
from sqlalchemy import func, select

from app.extensions import db
from app.festival.models import ApplicationFile, ReviewScore
from app.festival.models.application import ApplicationStatus as S
from app.festival.models.application import FileKind
from app.festival.services import uploads
from tests.factories import ApplicationFactory, AssignmentFactory, UserFactory
from tests.live import fire, shows_race, statuses


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 40, 40)).save(buffer, format="JPEG")
    return buffer.getvalue()


def _upload_ten_at_once(visitor) -> tuple[list, int]:
    draft = ApplicationFactory()
    browser = visitor().login(draft.applicant)
    url = f"/applications/{draft.id}/step/4"
    token, photo = browser.token(url), _jpeg()
    responses = fire(10, lambda i: browser.post(url, {"action": "upload"}, token=token,
                                                files={"photos": (f"p{i}.jpg", photo, "image/jpeg")}))
    photos = db.session.scalar(select(func.count()).select_from(ApplicationFile).where(
        ApplicationFile.application_id == draft.id, ApplicationFile.kind == FileKind.PHOTO))
    return statuses(responses), photos


def test_ten_parallel_photo_uploads_store_at_most_five(visitor):
    codes, photos = _upload_ten_at_once(visitor)
    assert photos == uploads.MAX_PHOTOS
    assert codes.count(302) == uploads.MAX_PHOTOS and codes.count(200) == 10 - uploads.MAX_PHOTOS  # refused on the form


def test_control_without_locks_uploads_pass_the_limit(visitor, locks_off, quiet_server):
    def round_() -> bool:
        codes, photos = _upload_ten_at_once(visitor)
        return photos > uploads.MAX_PHOTOS or not set(codes) <= {200, 302}

    assert shows_race(round_)


def _review_ten_times(visitor) -> tuple[list, int, object]:
    application = ApplicationFactory(submitted=True, status=S.UNDER_REVIEW)
    assignment = AssignmentFactory(application=application, reviewer=UserFactory(reviewer=True))
    data = {"comment": ""}
    for n, criterion in enumerate(application.call.criteria):
        data[f"score_{criterion.id}"], data[f"comment_{criterion.id}"] = str(1 + n % 5), ""
    criteria = len(application.call.criteria)
    browser = visitor().login(assignment.reviewer)
    url = f"/review/{assignment.id}"
    token = browser.token(url)
    responses = fire(10, lambda _: browser.post(url, data, token=token))
    scores = db.session.scalar(select(func.count()).select_from(ReviewScore).where(
        ReviewScore.assignment_id == assignment.id))
    return statuses(responses), scores - criteria, application


def test_ten_parallel_first_submissions_of_a_review_save_it_once(visitor):
    codes, extra_scores, application = _review_ten_times(visitor)
    assert codes == [302] * 10  # each one a save, in turn: the later ones change nothing
    assert extra_scores == 0
    db.session.refresh(application)
    assert application.review_count == 1
