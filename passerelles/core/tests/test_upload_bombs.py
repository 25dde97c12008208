"""`core/uploads.py` against decompression bombs: refused with a French message, read in bounded chunks, memory flat."""

import io
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from passerelles.core import uploads
from passerelles.core.uploads import XLSX, check_archive, validate_upload

MB = 1024 * 1024
BOMB_MESSAGE = "bombe de décompression"
# The check may hold a chunk or two and zipfile's own buffers: a few MB at most, whatever the archive expands to.
MEMORY_CEILING = 4 * MB


def zeros_member(archive: zipfile.ZipFile, name: str, size: int) -> None:
    """Write `size` zeros as one deflated member, 1 MB at a time: the test itself stays light."""
    chunk = bytes(MB)
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w", force_zip64=True) as member:
        for _ in range(size // MB):
            member.write(chunk)


def bomb(size: int, *, name: str = "xl/worksheets/sheet1.xml", extra: dict | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member, content in (extra or {}).items():
            archive.writestr(member, content)
        zeros_member(archive, name, size)
    return buffer.getvalue()


def nested(inner: list[bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        for number, content in enumerate(inner):
            archive.writestr(f"word/embeddings/part{number}.xlsx", content)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def big_bomb() -> bytes:
    """About 400 KB that expand to 400 MB of zeros."""
    return bomb(400 * MB, extra={"[Content_Types].xml": b"<Types>spreadsheetml.sheet.main+xml</Types>"})


def peak_during(function) -> int:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        function()
    except ValidationError:
        pass
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def refused(content: bytes, name: str = "budget.xlsx") -> ValidationError:
    with pytest.raises(ValidationError) as error:
        validate_upload(SimpleUploadedFile(name, content), max_bytes=10 * MB, accepted=(XLSX,))
    return error.value


def test_the_bomb_is_small_but_expands_hugely(big_bomb):
    assert len(big_bomb) < 500 * 1024
    with zipfile.ZipFile(io.BytesIO(big_bomb)) as archive:
        assert sum(info.file_size for info in archive.infolist()) > 300 * MB


def test_a_400_kb_bomb_is_refused_with_a_french_message(big_bomb):
    error = refused(big_bomb)
    assert error.code == "archive_too_large"
    assert BOMB_MESSAGE in error.messages[0]


@pytest.mark.parametrize(
    "limits",
    [
        # The declared sizes pass (a header can lie): the ratio stops the real reading after ~40 MB.
        {"UPLOAD_MAX_UNCOMPRESSED_BYTES": 10**12, "UPLOAD_MAX_COMPRESSION_RATIO": 100},
        # No ratio: the total cap stops the real reading at 50 MB.
        {"UPLOAD_MAX_UNCOMPRESSED_BYTES": 50 * MB, "UPLOAD_MAX_COMPRESSION_RATIO": 10**9},
    ],
)
def test_reading_is_bounded_and_memory_stays_flat(settings, big_bomb, limits, monkeypatch):
    for name, value in limits.items():
        setattr(settings, name, value)
    # The headers could lie: make their total pass the quick first check, so that only the bounded reading refuses.
    monkeypatch.setattr(uploads, "_declared_total", lambda infos: 0)
    upload = SimpleUploadedFile("budget.xlsx", big_bomb)
    read = []
    original = zipfile.ZipExtFile.read

    def counting_read(self, n=-1):
        assert n is not None and 0 < n <= 64 * 1024, "every read of a member is bounded"
        data = original(self, n)
        read.append(len(data))
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
    peak = peak_during(lambda: check_archive(upload))
    assert peak < MEMORY_CEILING, f"peak {peak} bytes"
    assert sum(read) <= 51 * MB  # it stopped reading long before the 400 MB
    monkeypatch.undo()
    with pytest.raises(ValidationError):
        check_archive(upload)


def test_a_ratio_bomb_under_the_total_cap_is_refused_too():
    content = bomb(20 * MB)  # 20 KB that expand to 20 MB: under 50 MB, but 1000 times its size
    error = refused(content)
    assert error.code == "archive_too_large"


def test_a_nested_bomb_is_refused_and_memory_stays_flat():
    inner = bomb(40 * MB)
    content = nested([inner] * 6)  # each inner archive passes alone; together 240 MB
    assert len(content) < 500 * 1024
    assert refused(content, "rapport.docx").code == "archive_too_large"
    upload = SimpleUploadedFile("rapport.docx", content)
    assert peak_during(lambda: check_archive(upload)) < MEMORY_CEILING


def test_archives_nested_two_levels_deep_are_refused():
    level2 = nested([nested([b"PK\x03\x04 not even an archive"])])
    error = refused(level2, "rapport.docx")
    assert error.code == "archive_nested"
    assert "imbriquées" in error.messages[0]


def test_too_many_members_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in range(5001):
            archive.writestr(f"m{number}", b"")
    assert refused(buffer.getvalue()).code == "archive_too_large"


def test_an_office_document_with_an_embedded_workbook_is_accepted():
    """A Word document with a chart embeds a small workbook: one level of nesting is normal."""
    sheet = io.BytesIO()
    with zipfile.ZipFile(sheet, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types>spreadsheetml.sheet.main+xml</Types>")
        archive.writestr("xl/workbook.xml", b"<workbook/>" * 100)
    document = io.BytesIO()
    with zipfile.ZipFile(document, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types>wordprocessingml.document.main+xml</Types>")
        archive.writestr("word/document.xml", b"<w:document>" + b"<w:p>texte</w:p>" * 5000 + b"</w:document>")
        archive.writestr("word/embeddings/Microsoft_Excel_Worksheet.xlsx", sheet.getvalue())
    upload = SimpleUploadedFile("rapport.docx", document.getvalue())
    content_type, name = validate_upload(upload, max_bytes=10 * MB)
    assert name == "rapport.docx" and content_type.endswith("wordprocessingml.document")
    assert upload.tell() == 0


def test_a_damaged_archive_is_refused_as_unreadable():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", bytes(range(256)) * 200)
    content = buffer.getvalue()
    damaged = content[:100] + b"\xff" * 50 + content[150:]
    with pytest.raises(ValidationError) as error:
        check_archive(SimpleUploadedFile("budget.xlsx", damaged))
    assert error.value.code == "archive_unreadable"
    assert refused(damaged).code == "bad_type"  # for the user: not an accepted type
