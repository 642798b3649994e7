"""Blind review hides who applied; NIK and phone numbers are never shown to reviewers."""

import pytest

from app.core.forms import format_phone
from app.extensions import db
from app.festival.models import ApplicationFile
from app.festival.models.application import FileKind
from tests.core.test_html import assert_valid
from tests.factories import ApplicationFactory, AssignmentFactory, CallFactory, UserFactory
from tests.helpers import text

NIK = "5171012345678901"


def _assignment(blind: bool):
    applicant = UserFactory(name="Ni Luh Ayu Sekarwati", email="ayu.sekar@example.com", phone_e164="+6281234567890")
    call = CallFactory(blind_review=blind)
    application = ApplicationFactory(
        call=call, applicant=applicant, submitted=True, nik=NIK, business_name="Klepon Kekinian",
        instagram="@ayusekar.klepon", tiktok="@ayusekar.tiktok", website="https://ayusekar.example.com",
    )
    db.session.add(ApplicationFile(application=application, kind=FileKind.PHOTO,
                                   original_name="Ayu_Sekarwati_produk.jpg", storage_key=f"k{application.id}",
                                   content_type="image/jpeg", size_bytes=10, sha256="0" * 64))
    db.session.commit()
    return AssignmentFactory(application=application, reviewer=UserFactory(reviewer=True, locale="en"))


def _page(client, login, assignment) -> str:
    login(assignment.reviewer)
    response = client.get(f"/review/{assignment.id}")
    assert response.status_code == 200
    html = text(response)
    assert_valid(html, "/review/<id>")
    return html


def _personal(assignment) -> dict[str, str]:
    application = assignment.application
    return {"NIK": NIK, "phone": application.phone_e164, "formatted phone": format_phone(application.phone_e164),
            "digits": application.phone_e164[3:], "e-mail": application.applicant.email}


def test_blind_review_hides_name_nik_phone_email_and_social_links(client, login):
    assignment = _assignment(blind=True)
    html = _page(client, login, assignment)
    hidden = {**_personal(assignment), "name": "Sekarwati", "instagram": "@ayusekar.klepon",
              "tiktok": "@ayusekar.tiktok", "website": "ayusekar.example.com"}
    for what, value in hidden.items():
        assert value not in html, f"{what} shown in a blind review"
    assert "Klepon Kekinian" in html  # the business itself is what is judged
    assert f"/files/{assignment.application.files[0].id}" in html and "Photo 1" in html


def test_a_non_blind_review_shows_the_name_but_never_nik_or_phone(client, login):
    assignment = _assignment(blind=False)
    html = _page(client, login, assignment)
    assert "Ni Luh Ayu Sekarwati" in html and "@ayusekar.klepon" in html
    photo = assignment.application.files[0]
    # Photos show as thumbnails that open the full photo; their alt text is never the file name (which may not help).
    assert f'href="/files/{photo.id}"><img src="/files/{photo.id}/thumb"' in html
    for what, value in _personal(assignment).items():
        assert value not in html, f"{what} shown to a reviewer"


@pytest.mark.parametrize("blind", [True, False])
def test_the_reviewer_list_never_shows_the_applicants_identity(client, login, blind):
    assignment = _assignment(blind=blind)
    login(assignment.reviewer)
    html = text(client.get("/review"))
    for value in [*_personal(assignment).values(), "Sekarwati"]:
        assert value not in html


@pytest.mark.parametrize("blind", [True, False])
def test_a_file_downloaded_by_a_reviewer_of_a_blind_call_does_not_carry_its_original_name(client, login,
                                                                                           upload_folder, blind):
    assignment = _assignment(blind=blind)
    record = assignment.application.files[0]
    record.storage_key = "ab" + "0" * 30 + ".jpg"
    db.session.commit()
    (upload_folder / "ab").mkdir(parents=True)
    (upload_folder / "ab" / record.storage_key).write_bytes(b"\xff\xd8\xff")
    login(assignment.reviewer)
    response = client.get(f"/files/{record.id}")
    assert response.status_code == 200
    served = response.headers["Content-Disposition"]
    if blind:
        assert served == f"inline; filename=photo-{record.id}.jpg"  # pinned: nothing of the original name
    else:
        assert served == "inline; filename=Ayu_Sekarwati_produk.jpg"
