"""Fixtures of the audit tests: a staff member logged in through the real form."""

import pytest

from tests.factories import UserFactory


@pytest.fixture
def staff(login):
    user = UserFactory(staff=True, locale="en")
    login(user)
    return user
