"""Whole pages cached in Redis — shared by every worker and host, never in a worker's memory, so that a change made
through one host is seen by all.

Two kinds of page may be cached: a page for anonymous visitors (the landing page), and a page that is the same for
everyone holding a role (the staff list: it shows nothing of the viewer but their menu, which follows their roles).
An entry is keyed by (page, path, query string, language, time zone, and for a role's page the viewer's roles).

What a page shows is named by topics ("editions", "applications"). A commit that adds, changes or deletes a row of a
model watched for a topic — through the ORM or by a bulk UPDATE/DELETE — raises that topic's version in Redis. An
entry records the versions it was rendered at and is used only while they are current (both are read in one round
trip), so the next request after a change renders afresh; a TTL bounds the life of any entry (and covers what moves
with the clock, such as "the next edition" after midnight).

Only the CSRF token differs between two viewers' copies (the language switcher and the page's forms): it is stored
as a placeholder, and each viewer's own token is put in on the way out. Never cached: a request other than GET, a
viewer with messages waiting to be flashed, anything but a 200 HTML page; for visitors' pages, a logged-in user or a
query string. Without REDIS_URL nothing is cached, and when Redis fails the page is rendered as if there were none.

    @bp.get("/")
    @public
    @cached_page("landing", topics=("editions",))
    def landing(): ...

    watch_models("editions", Edition, Call)
"""

import functools
import logging
from collections.abc import Callable
from typing import Any

import redis
from flask import Flask, Response, current_app, has_app_context, make_response, request, session
from flask_babel import get_timezone
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from app.core.i18n import current_locale

PLACEHOLDER = "\x00csrf-token\x00"
TTL_S = 300
EXTENSION = "dyouth_pagecache"
TOPICS_INFO = "page_cache_topics"
_TOPICS_OF: dict[type, set[str]] = {}
log = logging.getLogger(__name__)


def watch_models(topic: str, *models: type) -> None:
    """A commit that adds, changes or deletes a row of `models` makes the pages showing `topic` stale."""
    for model in models:
        _TOPICS_OF.setdefault(model, set()).add(topic)


def _prefix() -> str:
    return current_app.config.get("PAGE_CACHE_PREFIX", "dyouth:page:")


def _store() -> redis.Redis | None:
    return current_app.extensions.get(EXTENSION)


def _lookup(store: redis.Redis, key: str, topics: tuple[str, ...]) -> tuple[str, bytes | None]:
    """One round trip: the topics' current versions and the entry, which is good only if it was rendered at those
    versions (it starts with them, then a newline)."""
    values = store.mget([*(_prefix() + f"v:{topic}" for topic in topics), key])
    versions = ".".join((value or b"0").decode() for value in values[:-1])
    entry = values[-1]
    if entry is None:
        return versions, None
    stamp, _, body = entry.partition(b"\n")
    return versions, body if stamp.decode() == versions else None


def _viewer(for_role: Any) -> str | None:
    """The part of the key that tells viewers apart, or None when this request must not be cached."""
    if request.method != "GET" or session.get("_flashes"):
        return None
    if for_role is None:
        return None if current_user.is_authenticated or request.query_string else "visitor"
    if not current_user.is_authenticated or not current_user.has_role(for_role):
        return None
    return "+".join(sorted(str(role) for role in current_user.roles))


def cached_page(page: str, topics: tuple[str, ...] = (), for_role: Any = None, ttl: int = TTL_S) -> Callable:
    """Cache the view's page for anonymous visitors (`for_role` None) or for the users holding `for_role`."""
    ordered = tuple(sorted(topics))

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            store = _store()
            viewer = _viewer(for_role) if store is not None else None
            if viewer is None:
                return view(*args, **kwargs)
            query = "&".join(sorted(request.query_string.decode("latin-1").split("&")))
            key = _prefix() + f"{page}:{viewer}:{current_locale()}:{get_timezone()}:{request.path}?{query}"
            try:
                versions, body = _lookup(store, key, ordered)
            except redis.RedisError:  # Redis down: render the page, never fail because of the cache
                log.warning("page cache unavailable", exc_info=True)
                return view(*args, **kwargs)
            if body is not None:
                return Response(body.decode().replace(PLACEHOLDER, generate_csrf()), mimetype="text/html")
            response = make_response(view(*args, **kwargs))
            if response.status_code == 200 and response.mimetype == "text/html" and not session.get("_flashes"):
                html = response.get_data(as_text=True).replace(generate_csrf(), PLACEHOLDER)
                try:
                    store.set(key, f"{versions}\n{html}".encode(), ex=ttl)
                except redis.RedisError:
                    log.warning("page cache unavailable", exc_info=True)
            return response

        return wrapped

    return decorator


def init_page_cache(app: Flask, db: Any) -> None:
    """Cache pages in Redis when REDIS_URL is set. The listeners are installed once per process; they find the
    current app's store when a session commits."""
    url = app.config.get("REDIS_URL")
    if url:
        app.extensions[EXTENSION] = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
    if not event.contains(db.session, "before_flush", _note_flush):
        event.listen(db.session, "before_flush", _note_flush)
        event.listen(db.session, "do_orm_execute", _note_bulk)
        event.listen(db.session, "after_commit", _bump)
        event.listen(db.session, "after_rollback", _forget)


def _note(db_session: Session, topics: set[str]) -> None:
    if topics:
        db_session.info.setdefault(TOPICS_INFO, set()).update(topics)


def _note_flush(db_session: Session, _context: Any, _instances: Any) -> None:
    topics: set[str] = set()
    for obj in (*db_session.new, *db_session.dirty, *db_session.deleted):
        topics |= _TOPICS_OF.get(type(obj), set())
    _note(db_session, topics)


def _note_bulk(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete or state.is_insert) and state.bind_mapper is not None:
        _note(state.session, _TOPICS_OF.get(state.bind_mapper.class_, set()))


def _bump(db_session: Session) -> None:
    topics = db_session.info.pop(TOPICS_INFO, None)
    store = _store() if topics and has_app_context() else None
    if store is None:
        return
    try:
        pipe = store.pipeline()
        for topic in sorted(topics):
            pipe.incr(_prefix() + f"v:{topic}")
        pipe.execute()
    except redis.RedisError:  # the TTL still bounds how long a stale page is served
        log.error("page cache: could not mark %s stale", topics, exc_info=True)


def _forget(db_session: Session) -> None:
    db_session.info.pop(TOPICS_INFO, None)
