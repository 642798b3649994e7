"""Festival pages: desk."""

from app.festival.routes import bp  # noqa: F401
