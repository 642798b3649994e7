"""Festival pages: files."""

from app.festival.routes import bp  # noqa: F401
