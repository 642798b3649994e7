"""Festival pages: apply."""

from app.festival.routes import bp  # noqa: F401
