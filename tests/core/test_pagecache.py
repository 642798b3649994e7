"""Whole pages for anonymous visitors cached in Redis (`app/core/pagecache.py`): served from the cache, made stale
by a commit that changes what they show, never for logged-in users or waiting messages, each visitor with their own
CSRF token, and rendered as before when Redis is down."""

import uuid
from datetime import date

import pytest
import redis
from sqlalchemy import text as sql

from app import create_app
from app.extensions import db
from app.festival.models import Edition
from config import TestingConfig
from tests.factories import EditionFactory
from tests.helpers import csrf_token, text
from tests.redis_server import REDIS_URL, needs_redis

pytestmark = needs_redis


@pytest.fixture
def cached_app(app, database_url):
    """A second app on the same database with the page cache on, under a key prefix of this test's own."""
    prefix = f"dyouth-test-page-{uuid.uuid4().hex}:"
    other = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": REDIS_URL,
                                       "PAGE_CACHE_PREFIX": prefix})
    other.test_client_class = app.test_client_class
    yield other
    connection = redis.Redis.from_url(REDIS_URL)
    for key in connection.scan_iter(f"{prefix}*"):
        connection.delete(key)
    with other.app_context():
        db.engine.dispose()


@pytest.fixture
def edition(app):
    edition = EditionFactory(name="D'Youth Festival 2031", starts_on=date(2031, 8, 14), ends_on=date(2031, 8, 16))
    return edition


def rename_behind_the_orm(cached_app, edition_id: int, name: str) -> None:
    """A change the ORM does not see (so no topic is marked stale): what is served then comes from the cache."""
    with cached_app.app_context():
        db.session.execute(sql("UPDATE festival_edition SET name = :name WHERE id = :id"),
                           {"name": name, "id": edition_id})
        db.session.commit()


def test_second_visit_is_served_from_the_cache_until_a_commit_changes_what_it_shows(cached_app, edition):
    visitor = cached_app.test_client()
    assert "D&#39;Youth Festival 2031" in text(visitor.get("/"))
    rename_behind_the_orm(cached_app, edition.id, "Renamed behind the cache")
    assert "D&#39;Youth Festival 2031" in text(visitor.get("/"))  # the cached copy
    with cached_app.app_context():  # a change through the ORM marks the page stale
        db.session.get(Edition, edition.id).venue = "Taman Budaya Bali"
        db.session.commit()
    page = text(visitor.get("/"))
    assert "Renamed behind the cache" in page and "Taman Budaya Bali" in page


def test_each_visitor_gets_a_token_of_their_own_that_works(cached_app, edition):
    first, second = cached_app.test_client(), cached_app.test_client()
    first.get("/")
    page = text(second.get("/", headers={"Accept-Language": "id"}))
    token = csrf_token(page)
    assert token != csrf_token(text(first.get("/")))
    assert "\x00" not in page
    switched = second.post("/language", data={"csrf_token": token, "language": "en", "next": "/"})
    assert switched.status_code == 302
    assert '<html lang="en">' in text(second.get("/"))


def test_languages_are_cached_apart(cached_app, edition):
    visitor = cached_app.test_client()
    assert '<html lang="id">' in text(visitor.get("/", headers={"Accept-Language": "id"}))
    assert '<html lang="en">' in text(visitor.get("/", headers={"Accept-Language": "en"}))
    assert '<html lang="id">' in text(visitor.get("/", headers={"Accept-Language": "id"}))


def test_logged_in_users_and_waiting_messages_are_never_served_a_cached_page(cached_app, edition, user_factory,
                                                                              login):
    visitor = cached_app.test_client()
    visitor.get("/")
    rename_behind_the_orm(cached_app, edition.id, "Fresh name")
    with visitor.session_transaction() as session:
        session["_flashes"] = [("info", "You have been logged out.")]
    page = text(visitor.get("/"))
    assert "You have been logged out." in page and "Fresh name" in page
    member = cached_app.test_client()
    login(user_factory(locale="en"), on=member)
    page = text(member.get("/"))
    assert "Fresh name" in page and "Go to my page" in page


def test_a_page_is_rendered_as_before_when_redis_is_down(app, database_url, edition):
    down = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": database_url,
                                      "REDIS_URL": "redis://127.0.0.1:1/0"})
    response = down.test_client().get("/")
    assert response.status_code == 200 and "D&#39;Youth Festival 2031" in text(response)
    with down.app_context():
        db.engine.dispose()


# The staff list: one copy per (roles, language, zone, filters) shared by every staff member holding those roles.

def staff_list_of(call) -> str:
    return f"/staff/applications?call={call.id}&sort=oldest"


def test_the_staff_list_is_shared_by_staff_and_made_stale_by_a_decision(cached_app, login, user_factory):
    from tests.factories import ApplicationFactory, CallFactory
    from tests.helpers import submit

    call = CallFactory()
    first = ApplicationFactory(call=call, submitted=True, full_name="Ayu Pertama")
    ana, budi = cached_app.test_client(), cached_app.test_client()
    login(user_factory(staff=True, locale="en"), on=ana)
    login(user_factory(staff=True, locale="en"), on=budi)
    assert "Ayu Pertama" in text(ana.get(staff_list_of(call)))
    rename = "UPDATE festival_application SET full_name = 'Behind the cache' WHERE id = :id"
    with cached_app.app_context():
        db.session.execute(sql(rename), {"id": first.id})
        db.session.commit()
    page = text(budi.get(staff_list_of(call)))  # Budi gets the copy Ana's visit stored, with his own token
    assert "Ayu Pertama" in page
    assert csrf_token(page) != csrf_token(text(ana.get(staff_list_of(call))))
    drafted = submit(budi, staff_list_of(call), {"ids": [first.id], "decision": "waitlisted", "message": "",
                                                 "confirmed": "1"})
    assert drafted.status_code == 302
    budi.get(drafted.headers["Location"])  # the page that shows the flashed summary is not the cached one
    page = text(ana.get(staff_list_of(call)))
    assert "Behind the cache" in page and "Waitlisted" in page  # "Draft: Waitlisted" under the status


def test_staff_with_another_set_of_roles_or_language_get_their_own_copy(cached_app, login, user_factory):
    from app.core.permissions import Role
    from tests.factories import CallFactory

    call = CallFactory()
    plain, reviewing = cached_app.test_client(), cached_app.test_client()
    login(user_factory(staff=True, locale="en"), on=plain)
    login(user_factory(roles={Role.STAFF, Role.REVIEWER}, locale="id"), on=reviewing)
    assert 'href="/review"' not in text(plain.get(staff_list_of(call)))
    page = text(reviewing.get(staff_list_of(call)))
    assert 'href="/review"' in page and '<html lang="id">' in page


def test_a_bulk_update_statement_also_makes_the_list_stale(cached_app, login, user_factory):
    from sqlalchemy import update

    from app.festival.models import Application
    from tests.factories import ApplicationFactory, CallFactory

    call = CallFactory()
    application = ApplicationFactory(call=call, submitted=True, full_name="Komang Lama")
    staff = cached_app.test_client()
    login(user_factory(staff=True, locale="en"), on=staff)
    assert "Komang Lama" in text(staff.get(staff_list_of(call)))
    with cached_app.app_context():
        db.session.execute(update(Application).where(Application.id == application.id)
                           .values(full_name="Komang Baru"))
        db.session.commit()
    assert "Komang Baru" in text(staff.get(staff_list_of(call)))
