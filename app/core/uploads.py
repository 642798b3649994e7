"""Uploaded files, whoever receives them (festival applications, progress reports): the type is read from the content
(never the name), photos are re-encoded so that no EXIF (GPS) data survives, sizes are bounded, and everything is
stored outside the web root under a random name (a folder, or a private S3 bucket: `app.core.storage`).

Callers validate completely (`check_size`, `clean_photo`, `check_pdf`) before they `store`; a file whose row is
removed or replaced is deleted from storage (`remove_stored`) after the commit. Download views answer with
`send_stored` after their access check.
"""

import io
import secrets
import threading
import warnings
from pathlib import Path, PurePath

from flask import Response, current_app, has_app_context, redirect
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from app.core.errors import DomainError
from app.core.storage import storage

MB = 1024 * 1024
# A phone photo is accepted up to the request limit (config MAX_CONTENT_LENGTH, 12 MB; `photo_max_bytes`): it is
# re-encoded to at most PHOTO_MAX_SIDE pixels on its long side, which makes an 11 MB photo some hundreds of KB.
# PHOTO_MAX_BYTES is the older, lower limit, still used by progress reports (app.cohorts.services.reports).
PHOTO_MAX_BYTES = 5 * MB
PHOTO_MAX_SIDE = 2000
PDF_MAX_BYTES = 10 * MB
# A decompression bomb is a small file that decodes to a huge picture (a 155 KB PNG of 6300 × 6300 pixels takes
# some 300 MB to decode and re-encode). The size is read from the header, before decoding: a picture is decoded at
# most this big (config UPLOAD_MAX_PIXELS; a 12-megapixel phone photo fits). A bigger JPEG (a phone's 48- or
# 108-megapixel mode) is decoded at 1/2, 1/4 or 1/8 of its size (Pillow's draft mode); other formats are refused.
PHOTO_MAX_PIXELS = 16_000_000
JPEG_SCALES = (1, 2, 4, 8)
# Decoding and re-encoding is what takes memory (up to some 60 MB a picture): a server process decodes at most two
# pictures at a time, and further uploads wait their turn, however many threads serve requests.
_DECODING = threading.BoundedSemaphore(2)
PHOTO_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
PDF_MAGIC = b"%PDF-"


class UploadRefused(DomainError):
    pass


def check_size(data: bytes, limit: int, field: str) -> None:
    if not data:
        raise UploadRefused(_l("The file is empty."), field=field)
    if len(data) > limit:
        raise UploadRefused(
            _l("The file is %(size)s MB; the limit is %(limit)d MB.", size=f"{len(data) / MB:.1f}", limit=limit // MB),
            field=field,
        )


def photo_max_bytes() -> int:
    """The most bytes a photo may have: the request limit (a photo that arrived whole is not refused for its size)."""
    default = 12 * MB
    return (current_app.config.get("MAX_CONTENT_LENGTH") or default) if has_app_context() else default


def max_pixels() -> int:
    return current_app.config.get("UPLOAD_MAX_PIXELS", PHOTO_MAX_PIXELS) if has_app_context() else PHOTO_MAX_PIXELS


def _decode_scale(image_format: str, width: int, height: int, limit: int) -> int | None:
    """1 to decode the picture whole; 2, 4 or 8 for a JPEG decoded at that fraction of its size so that it has at
    most `limit` pixels (and, when that is possible, no smaller than the stored size needs); None when it cannot be
    decoded that small."""
    scales = JPEG_SCALES if image_format == "JPEG" else (1,)
    fitting = [s for s in scales if -(-width // s) * -(-height // s) <= limit]
    if not fitting:
        return None
    sharp_enough = [s for s in fitting if max(width, height) // s >= PHOTO_MAX_SIDE]
    return max(sharp_enough) if sharp_enough else fitting[0]


def _too_large(width: int, height: int, field: str) -> UploadRefused:
    return UploadRefused(_l("This picture is too large (%(width)d × %(height)d pixels); please send a smaller one.",
                            width=width, height=height), field=field)


def is_photo(data: bytes) -> bool:
    """Whether `data` starts like a JPEG, PNG or WebP picture (the content decides, not the name)."""
    return data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def clean_photo(data: bytes, field: str = "photos") -> tuple[bytes, str, str]:
    """Decode a JPEG/PNG/WebP picture and encode it again without metadata; return (bytes, content type, suffix).

    The EXIF orientation is applied to the pixels first, so the picture still stands the right way up.
    """
    with _DECODING:
        return _clean_photo(data, field, max_pixels())


def _clean_photo(data: bytes, field: str, limit: int) -> tuple[bytes, str, str]:
    refused = UploadRefused(_l("This file is not a JPEG, PNG or WebP picture, or it is damaged."), field=field)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:  # reads the header only
                if image.format not in PHOTO_FORMATS:
                    raise refused
                width, height = image.size
                scale = _decode_scale(image.format, width, height, limit)
                if scale is None:
                    raise _too_large(width, height, field)
                if scale > 1:
                    image.draft(image.mode, (width // scale, height // scale))  # decode at 1/scale, in the decoder
                    if image.width * image.height > limit:
                        raise _too_large(width, height, field)
                image_format = image.format
                image.load()
                ImageOps.exif_transpose(image, in_place=True)  # no copy of the pixels when nothing turns
                upright = image
                if max(upright.size) > PHOTO_MAX_SIDE:  # stored no bigger than a screen needs
                    upright.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE), Image.Resampling.LANCZOS)
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning,
            OSError, SyntaxError, ValueError) as error:
        raise refused from error

    content_type, suffix = PHOTO_FORMATS[image_format]
    # Keep only what the pixels need (colour profile, PNG transparency); encoders fall back on `info` for the rest
    # (a JPEG comment, for one), so it is emptied.
    options: dict[str, object] = {key: upright.info[key] for key in ("icc_profile", "transparency")
                                  if upright.info.get(key) is not None}
    upright.info = {}
    if image_format == "JPEG":
        if upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
        options.update(quality=90, optimize=True)
    elif image_format == "WEBP":
        if upright.mode not in ("RGB", "RGBA"):
            upright = upright.convert("RGBA" if "A" in upright.getbands() else "RGB")
        options.update(quality=90)
    elif upright.mode not in ("1", "L", "LA", "I", "P", "RGB", "RGBA"):
        upright = upright.convert("RGBA")
    if image_format != "PNG" or upright.mode not in ("1", "L", "P", "RGB"):
        options.pop("transparency", None)
    output = io.BytesIO()
    upright.save(output, format=image_format, **options)  # no exif=, no pnginfo=: metadata is not written
    return output.getvalue(), content_type, suffix


def check_pdf(data: bytes, field: str) -> None:
    check_size(data, PDF_MAX_BYTES, field)
    if not data.startswith(PDF_MAGIC):
        raise UploadRefused(_l("This file is not a PDF document."), field=field)


# The type a stored file is served with, by the suffix `store` was given (the content was checked before).
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "pdf": "application/pdf"}


def store(data: bytes, suffix: str) -> str:
    """Write `data` under a new random name (in the folder or the bucket: `app.core.storage`); return its key."""
    storage_key = f"{secrets.token_hex(16)}.{suffix}"
    storage().put(storage_key, data, CONTENT_TYPES.get(suffix, "application/octet-stream"))
    return storage_key


def read(storage_key: str) -> bytes:
    """The whole stored file; FileNotFoundError when it is missing."""
    return storage().get(storage_key)


def remove_stored(storage_key: str) -> None:
    """Delete a stored file (call it after the commit that removed its row)."""
    storage().delete(storage_key)


def send_stored(storage_key: str, content_type: str, name: str | None, cache_control: str = "private, no-store",
                ) -> Response:
    """The response of a download view, after its access check: the file streamed through the app or, with
    S3_SERVE=redirect, a redirect to a signed URL that expires in S3_SIGNED_URL_SECONDS. Pictures are always
    streamed: pages show them in <img>, and the Content-Security-Policy lets images come from this site only.
    FileNotFoundError when the file is missing (before anything is sent)."""
    config = current_app.config
    if config.get("S3_SERVE") == "redirect" and not content_type.startswith("image/"):
        url = storage().url(storage_key, name or f"file{PurePath(storage_key).suffix}", content_type,
                            int(config.get("S3_SIGNED_URL_SECONDS") or 60))
        if url is not None:
            response = redirect(url, 302)
            response.headers["Cache-Control"] = "private, no-store"  # the URL is only good for a minute
            return response
    stored = storage().open(storage_key)
    response = Response(stored, mimetype=content_type, direct_passthrough=True)
    response.content_length = stored.size
    if name is not None:
        # The name is ours (letters, digits, " -_" and our own suffix), so it is safe in the header.
        response.headers.set("Content-Disposition", "inline", filename=name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = cache_control
    return response


def safe_name(name: str | None, suffix: str) -> str:
    """The uploaded name reduced to ASCII letters, digits and " -_" (safe in a header), with our own suffix."""
    stem = Path((name or "").replace("\\", "/")).name.rsplit(".", 1)[0]
    stem = "".join(ch for ch in stem if ch.isascii() and (ch.isalnum() or ch in " -_"))[:80].strip() or "file"
    return f"{stem}.{suffix}"
