"""Uploads live in the bucket (moto's S3 server), not on a host's disk: what one instance stored, the other serves."""

import io
import os

from PIL import Image

from tests.scale.browser import instance_of
from tests.scale.world import open_draft, rows, seeding


def _photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_a_photo_uploaded_through_one_instance_is_served_by_the_other(cluster, cluster_app, browser, s3_server):
    with seeding(cluster_app):
        email, application_id = open_draft()
    person = browser().login(email)
    page = f"/applications/{application_id}/step/4"
    response = person.post(page, {"action": "upload"}, token=person.token(page, via="a"), via="a",
                           files={"photos": ("warung.jpg", _photo(), "image/jpeg")})
    assert response.status_code == 302 and instance_of(response) == "a"
    with seeding(cluster_app):
        ((file_id, key, size),) = rows("SELECT id, storage_key, size_bytes FROM festival_application_file"
                                       " WHERE application_id = :a", a=application_id)
    name = f"{cluster.env['S3_PREFIX']}{key[:2]}/{key}"
    assert s3_server.names(cluster.env["S3_PREFIX"]) == [name]
    served = person.get(f"/files/{file_id}", via="b")
    assert served.status_code == 200 and instance_of(served) == "b"
    assert served.headers["Content-Type"] == "image/jpeg" and len(served.content) == size
    assert served.content == s3_server.client.get_object(Bucket=s3_server.bucket, Key=name)["Body"].read()
    assert not os.path.exists(cluster.env["UPLOAD_FOLDER"])  # nothing on either host's disk
