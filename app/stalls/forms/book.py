"""The applicant's booking buttons: each is a form with only its CSRF token (what it acts on is in the URL)."""

from app.core.forms import Form


class HoldForm(Form):
    """"Hold this stall" (also used to change to another stall while a hold lasts)."""


class PayForm(Form):
    """"Pay by card": starts (or reuses) the card payment of the held stall."""
