"""`core/uploads.py`: the real type by content, the size, the name; nothing is read as a path, nothing written."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from passerelles.core.uploads import DOCX, JPEG, ODS, ODT, PDF, PNG, XLSX, validate_upload

MAX = 1024 * 1024
PDF_BYTES = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


class RawFile(io.BytesIO):
    """An upload whose name reaches us untouched (Django's parser already strips paths; we do not rely on it)."""

    def __init__(self, content: bytes, name: str):
        super().__init__(content)
        self.name = name
        self.size = len(content)


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


OOXML_WORD = zip_bytes(
    {
        "[Content_Types].xml": b'<Types><Override PartName="/word/document.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        "word/document.xml": b"<w:document/>",
    }
)
OOXML_SHEET = zip_bytes(
    {
        "[Content_Types].xml": b'<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.sheet.main+xml"/></Types>',
    }
)


@pytest.mark.parametrize(
    "name,content,expected",
    [
        ("statuts.pdf", PDF_BYTES, PDF),
        ("logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, PNG),
        ("photo.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 20, JPEG),
        ("photo.jpeg", b"\xff\xd8\xff\xe1" + b"\x00" * 20, JPEG),
        ("projet.odt", zip_bytes({"mimetype": ODT.encode(), "content.xml": b"<x/>"}), ODT),
        ("budget.ods", zip_bytes({"mimetype": ODS.encode()}), ODS),
        ("projet.docx", OOXML_WORD, DOCX),
        ("budget.xlsx", OOXML_SHEET, XLSX),
    ],
)
def test_accepted_types_are_recognised_by_their_content(name, content, expected):
    assert validate_upload(SimpleUploadedFile(name, content), max_bytes=MAX) == (expected, name)


@pytest.mark.parametrize(
    "name,content",
    [
        ("statuts.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 60),  # a Windows executable renamed .pdf
        ("statuts.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 60),  # a Linux executable renamed .pdf
        ("page.pdf", b"<html><script>alert(1)</script></html>"),
        ("archive.docx", zip_bytes({"evil.exe": b"MZ"})),  # a ZIP that is not an office document
        ("faux.odt", zip_bytes({"mimetype": b"application/x-msdownload"})),
        ("tronque.docx", b"PK\x03\x04garbage"),
        ("texte.txt", b"du texte"),
    ],
)
def test_anything_else_is_refused_whatever_its_extension(name, content):
    with pytest.raises(ValidationError) as error:
        validate_upload(SimpleUploadedFile(name, content), max_bytes=MAX)
    assert "n'est pas d'un type accepté" in error.value.messages[0]


def test_a_real_pdf_with_another_extension_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_upload(SimpleUploadedFile("photo.png", PDF_BYTES), max_bytes=MAX)
    assert error.value.messages == [
        "Le fichier « photo.png » ne correspond pas à son extension : son contenu est de type PDF."
    ]


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_upload(RawFile(b"", "vide.pdf"), max_bytes=MAX)
    assert error.value.messages == ["Le fichier « vide.pdf » est vide."]


def test_an_oversized_file_is_refused_with_both_sizes():
    with pytest.raises(ValidationError) as error:
        validate_upload(SimpleUploadedFile("gros.pdf", PDF_BYTES + b"0" * 2 * MAX), max_bytes=MAX)
    message = error.value.messages[0].replace("\xa0", " ")
    assert message == "Le fichier « gros.pdf » pèse 2,0 Mio : la limite est de 1,0 Mio."


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd.pdf", "..\\..\\windows\\system.pdf", "dossier/statuts.pdf", "statuts\x00.pdf", ".htaccess", ""],
)
def test_path_like_or_hostile_names_are_refused(name):
    with pytest.raises(ValidationError) as error:
        validate_upload(RawFile(PDF_BYTES, name), max_bytes=MAX)
    assert error.value.messages[0].startswith(("Ce nom de fichier", "Le fichier n'a pas de nom"))


def test_control_characters_in_a_name_are_refused():
    with pytest.raises(ValidationError):
        validate_upload(RawFile(PDF_BYTES, "statuts\u202egpj.pdf"), max_bytes=MAX)


def test_a_very_long_name_is_shortened_and_keeps_its_extension():
    content_type, name = validate_upload(RawFile(PDF_BYTES, "a" * 300 + ".pdf"), max_bytes=MAX)
    assert content_type == PDF and len(name) == 200 and name.endswith(".pdf")
