"""The certificate PDF (bilingual, opens with pypdf, carries the code and the name, any script), who may download it,
the holder's list, and the public check of a code: valid, revoked or unknown, and never anything personal."""

import io

import pytest
from pypdf import PdfReader

from app.cohorts.services.certificates import new_code, normalise
from app.core.clock import now_utc
from app.extensions import db
from tests.cohorts.completion_factories import CertificateFactory
from tests.cohorts.factories import CohortFactory, ParticipantFactory
from tests.core.test_html import assert_valid
from tests.factories import UserFactory
from tests.helpers import text


def _certificate(name: str = "Ni Made Ayu Sari", **user):
    holder = UserFactory(name=name, **user)
    cohort = CohortFactory(name_ind="Inkubator Kreatif Denpasar", name_en="Denpasar Creative Incubator",
                           partner="Darwin Innovation Hub")
    participant = ParticipantFactory(cohort=cohort, user_id=holder.id)
    return CertificateFactory(participant=participant, holder_name=name), holder


def _pdf_text(body: bytes) -> str:
    reader = PdfReader(io.BytesIO(body))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


@pytest.mark.parametrize("name", ["Ni Made Ayu Sari", "Łukasz Żółć · Ngô Bảo Châu · Σοφία Παπαδοπούλου"])
def test_the_holder_downloads_a_bilingual_pdf_with_the_code_and_the_name(client, login, name):
    certificate, holder = _certificate(name)
    login(holder)
    response = client.get(f"/certificates/{certificate.id}/certificate.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f"certificate-{certificate.code}.pdf" in response.headers["Content-Disposition"]
    content = _pdf_text(response.data)
    assert certificate.code in content and name in content
    assert "Inkubator Kreatif Denpasar" in content and "Denpasar Creative Incubator" in content
    assert "Darwin Innovation Hub" in content and "Certificate of completion" in content
    assert f"/verify/{certificate.code}" in content


def test_others_get_404_and_staff_may_download(app, login):
    certificate, _holder = _certificate()
    url = f"/certificates/{certificate.id}/certificate.pdf"
    classmate = ParticipantFactory(cohort=certificate.participant.cohort).user  # someone else of the same cohort
    for user, status in ((classmate, 404), (UserFactory(mentor=True), 404), (UserFactory(staff=True), 200)):
        browser = app.test_client()
        login(user, on=browser)
        assert browser.get(url).status_code == status


def test_anonymous_visitors_log_in_first(client):
    certificate, _holder = _certificate()
    response = client.get(f"/certificates/{certificate.id}/certificate.pdf")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_revoked_certificate_is_no_longer_downloaded_by_its_holder(client, login):
    certificate, holder = _certificate()
    certificate.revoked_at = now_utc()
    holder.locale = "en"  # the assertion reads English
    db.session.commit()
    login(holder)
    assert client.get(f"/certificates/{certificate.id}/certificate.pdf").status_code == 404
    page = text(client.get("/certificates"))
    assert "This certificate has been revoked." in page


def test_the_holder_lists_their_certificates(client, login):
    certificate, holder = _certificate(locale="en")
    other, _ = _certificate("Somebody Else")
    login(holder)
    page = text(client.get("/certificates"))
    assert_valid(page, "/certificates")
    assert certificate.code in page and other.code not in page
    assert f"/certificates/{certificate.id}/certificate.pdf" in page


def test_the_public_check_says_valid_without_personal_data(client):
    certificate, holder = _certificate("Ni Made Ayu Sari", phone_e164="+6281234567890")
    url = f"/verify/{certificate.code}"
    response = client.get(url, headers={"Accept-Language": "en"})
    page = text(response)
    assert response.status_code == 200 and "Valid certificate" in page
    assert "Inkubator Kreatif Denpasar" in page or "Denpasar Creative Incubator" in page
    assert "Darwin Innovation Hub" in page
    for personal in ("Ni Made", "Ayu Sari", holder.email, "6281234567890", "+62 812"):
        assert personal not in page
    assert_valid(page, url)


@pytest.mark.parametrize("typed", [
    lambda code: code.lower(),
    lambda code: code.replace("-", ""),
    lambda code: code[3:].replace("-", " "),
    lambda code: code.replace("1", "l").replace("0", "O"),
])
def test_codes_are_read_the_forgiving_way(client, typed):
    certificate, _holder = _certificate()
    response = client.get("/verify", query_string={"code": typed(certificate.code)})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/verify/{certificate.code}")


def test_a_wrong_code_does_not_verify(client):
    certificate, _holder = _certificate()
    wrong = new_code()
    assert wrong != certificate.code
    for url in (f"/verify/{wrong}", "/verify?code=not-a-code"):
        response = client.get(url, headers={"Accept-Language": "en"})
        assert response.status_code == 404 and "Unknown code" in text(response)
        assert "Valid certificate" not in text(response)


def test_a_revoked_code_says_revoked(client):
    certificate, _holder = _certificate()
    certificate.revoked_at = now_utc()
    db.session.commit()
    page = text(client.get(f"/verify/{certificate.code}", headers={"Accept-Language": "en"}))
    assert "This certificate has been revoked" in page and "Valid certificate" not in page


def test_the_check_form_without_a_code_is_just_the_form(client):
    response = client.get("/verify", headers={"Accept-Language": "en"})
    assert response.status_code == 200 and 'name="code"' in text(response)
    assert_valid(text(response), "/verify")


def test_the_public_check_is_rate_limited(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "VERIFY_LIMIT_PER_IP", "3 per minute")
    codes = [client.get(f"/verify/{new_code()}").status_code for _ in range(4)]
    assert codes == [404, 404, 404, 429]


def test_normalise():
    assert normalise("dy-7k3m-q9tb-2xwe") == "DY-7K3M-Q9TB-2XWE"
    assert normalise("7K3MQ9TB2XWE") == "DY-7K3M-Q9TB-2XWE"
    assert normalise("DY 7K3M Q9TB 2XWE") == "DY-7K3M-Q9TB-2XWE"
    assert normalise("DY-IK3M-O9TB-LXWE") == "DY-1K3M-09TB-1XWE"
    assert normalise("DY-7K3M-Q9TB-2XW") is None and normalise("DY-7K3M-Q9TB-2XWU") is None and normalise("") is None
