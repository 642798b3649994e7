"""Shared by the layout, map and staff overview tests: a signed-in staff member, statement counting, CSV upload."""

import io

import pytest

from tests.helpers import csrf_token, text


@pytest.fixture
def staff(client, login, user_factory):
    user = user_factory(staff=True, locale="en")  # English pages: the messages asserted are the msgids
    login(user)
    return user




def upload(client, url: str, content: bytes | str, name: str = "stalls.csv"):
    """Post a CSV file through the import form (with its CSRF token)."""
    page = client.get(url)
    assert page.status_code == 200
    data = content.encode() if isinstance(content, str) else content
    return client.post(url, data={"csrf_token": csrf_token(text(page)), "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")
