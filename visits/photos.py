"""Visit photos: checked by their content, decoded only under a pixel budget, and stored as a
resized JPEG that keeps none of the uploaded file's metadata (EXIF with its GPS position,
comments, text chunks, colour profiles)."""
from __future__ import annotations

import io

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext, ngettext
from PIL import Image, ImageOps, UnidentifiedImageError

from shuanglian.errors import DomainError

PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_SIDE = 1600
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
PHOTOS_PER_VISIT = 6

# A small compressed file can describe a huge picture (a 685 KB PNG of 13,000 × 13,000 pixels
# takes gigabytes to decode). Pillow refuses to open anything past twice this and warns past it;
# prepare_photo refuses past it from the header, before anything is decoded.
Image.MAX_IMAGE_PIXELS = settings.PHOTO_MAX_PIXELS


def _too_many_pixels(name: str, limit: int) -> DomainError:
    return DomainError({"photos": gettext("照片“%(name)s”像素过多（上限%(limit)s万像素），请缩小后再上传。")
                        % {"name": name, "limit": f"{limit // 10_000:,}"}})


def prepare_photo(upload):
    """Check an uploaded photo by its content (not its name) and return it as a resized JPEG
    file without metadata."""
    if upload.size > PHOTO_MAX_BYTES:
        raise DomainError({"photos": gettext("照片“%(name)s”超过%(size)s MB。")
                           % {"name": upload.name, "size": PHOTO_MAX_BYTES // (1024 * 1024)}})
    limit = settings.PHOTO_MAX_PIXELS
    try:
        with Image.open(upload) as probe:  # reads the header only: the size is known, nothing decoded
            kind = probe.format
            width, height = probe.size
            if width * height > limit:
                raise _too_many_pixels(upload.name, limit)
            probe.verify()
        if kind not in PHOTO_FORMATS:
            raise DomainError({"photos": gettext("“%(name)s”格式为%(format)s，只接受JPEG、PNG或WebP照片。")
                               % {"name": upload.name, "format": kind}})
        upload.seek(0)
        with Image.open(upload) as image:
            image = ImageOps.exif_transpose(image).convert("RGB")  # the picture upright, as the phone showed it
            image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            # Only the pixels go on: a fresh image carries no EXIF, comment or profile of the upload.
            clean = Image.new("RGB", image.size)
            clean.paste(image)
            out = io.BytesIO()
            clean.save(out, "JPEG", quality=82, optimize=True)
    except Image.DecompressionBombError:
        raise _too_many_pixels(upload.name, limit) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise DomainError({"photos": gettext("“%(name)s”不是可识别的照片。") % {"name": upload.name}}) from None
    return ContentFile(out.getvalue(), name="photo.jpg")


def prepare_photos(uploads: list) -> list:
    """Every photo checked before any is stored."""
    if len(uploads) > PHOTOS_PER_VISIT:
        raise DomainError({"photos": ngettext("每次走访最多%(n)s张照片。", "每次走访最多%(n)s张照片。", PHOTOS_PER_VISIT)
                           % {"n": PHOTOS_PER_VISIT}})
    return [prepare_photo(upload) for upload in uploads]
