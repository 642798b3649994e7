"""The private calendar feed: `GET /calendar/<token>.ics`, public (calendar programs send no login; the token is the
secret). An unknown, malformed or replaced token answers 404."""

from flask import abort

from app.cohorts.routes import bp
from app.cohorts.routes.mine import ics_response
from app.cohorts.services import calendar
from app.core.permissions import public


@bp.get("/calendar/<token>.ics")
@public
def feed(token: str):
    user = calendar.user_of_token(token)
    if user is None:
        abort(404)
    return ics_response(calendar.feed_calendar(user), "dyouth.ics")
