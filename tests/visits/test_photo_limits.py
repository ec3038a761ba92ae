"""Photos are decoded only under a pixel budget, and keep none of the upload's metadata."""
import io
import struct
import tracemalloc
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageFile

from shuanglian.errors import DomainError
from visits.photos import prepare_photo


def png_header_of(width: int, height: int) -> bytes:
    """A valid grey PNG of the given size, all black: a few hundred KB however large it is,
    written without ever holding its pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    compressor, parts, row = zlib.compressobj(9), [], b"\0" * (width + 1)
    for _ in range(height):
        parts.append(compressor.compress(row))
    parts.append(compressor.flush())
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", b"".join(parts)) + chunk(b"IEND", b""))


@pytest.fixture
def no_decoding(monkeypatch):
    def refuse(self):
        raise AssertionError(f"a {self.size} picture was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)


def test_a_13000_pixel_square_png_is_refused_from_its_header_without_decoding(no_decoding):
    upload = SimpleUploadedFile("huge.png", png_header_of(13_000, 13_000))
    assert upload.size < 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(DomainError, match="像素过多（上限4,000万像素）"):
            prepare_photo(upload)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10 * 1024 * 1024


def test_the_pixel_budget_is_a_setting(settings):
    settings.PHOTO_MAX_PIXELS = 100 * 100
    out = io.BytesIO()
    Image.new("RGB", (101, 100)).save(out, "JPEG")
    with pytest.raises(DomainError, match="像素过多（上限1万像素）"):
        prepare_photo(SimpleUploadedFile("p.jpg", out.getvalue()))
    out = io.BytesIO()
    Image.new("RGB", (100, 100)).save(out, "JPEG")
    assert prepare_photo(SimpleUploadedFile("p.jpg", out.getvalue())).size > 0


def test_a_jpeg_comment_and_its_exif_with_gps_do_not_survive():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (35.0, 36.0, 0.0), 3: "E", 4: (105.0, 43.0, 0.0)}  # GPS position
    out = io.BytesIO()
    Image.new("RGB", (2000, 1000), (10, 200, 30)).save(out, "JPEG", exif=exif, comment=b"<script>alert(1)</script>")
    assert b"<script>" in out.getvalue() and b"PhoneMaker" in out.getvalue()

    stored = prepare_photo(SimpleUploadedFile("p.jpg", out.getvalue())).read()

    assert b"<script>" not in stored and b"PhoneMaker" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (1600, 800)
        assert "comment" not in image.info and "exif" not in image.info
        assert not image.getexif() and not image.getexif().get_ifd(0x8825)


def test_a_photo_is_still_turned_upright_by_its_orientation_before_the_metadata_goes():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    out = io.BytesIO()
    Image.new("RGB", (400, 200)).save(out, "JPEG", exif=exif)
    with Image.open(prepare_photo(SimpleUploadedFile("p.jpg", out.getvalue()))) as image:
        assert image.size == (200, 400)


def test_text_chunks_of_a_png_do_not_survive():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    out = io.BytesIO()
    Image.new("RGB", (50, 50)).save(out, "PNG", pnginfo=info)
    assert b"<script>" not in prepare_photo(SimpleUploadedFile("p.png", out.getvalue())).read()
