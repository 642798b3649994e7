"""The privacy blueprint: the privacy page, the guardian's confirmation, NIK reveals and "My data"."""

from flask import Blueprint

bp = Blueprint("privacy", __name__, template_folder="../templates")

# Route modules add themselves to `bp` (imported here, at the end, so they can import `bp`).

# consent: the privacy page, a guardian's consent, NIK reveals; my_data (erasure): "My data"
from app.privacy.routes import consent, guardian, my_data, nik  # noqa: E402, F401
