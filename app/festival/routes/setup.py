"""Festival pages: setup."""

from app.festival.routes import bp  # noqa: F401
