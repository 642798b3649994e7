"""Festival pages: review."""

from app.festival.routes import bp  # noqa: F401
