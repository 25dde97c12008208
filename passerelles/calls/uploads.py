"""The checks of an uploaded file before anything is written: size, a harmless name, and the REAL type by content.

The extension proves nothing: a file is accepted only when its first bytes (and, for office documents, the inside of
its ZIP container) say it is a PDF, a PNG, a JPEG or an OpenDocument / Office Open XML document.
"""

import unicodedata
import zipfile
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

EXTENSIONS = {
    PDF: {".pdf"},
    PNG: {".png"},
    JPEG: {".jpg", ".jpeg"},
    ODT: {".odt"},
    ODS: {".ods"},
    DOCX: {".docx"},
    XLSX: {".xlsx"},
}
ACCEPTED_EXTENSIONS = sorted(ext for exts in EXTENSIONS.values() for ext in exts)
# Office Open XML: the main part's content type declared in [Content_Types].xml.
OOXML_MAIN = {
    b"wordprocessingml.document.main+xml": DOCX,
    b"spreadsheetml.sheet.main+xml": XLSX,
}


def max_upload_bytes() -> int:
    return getattr(settings, "CALLS_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES)


def _refuse(message: str, code: str):
    raise ValidationError(message, code=code)


def safe_display_name(name: str | None) -> str:
    """The applicant's file name, shown and offered back on download; refused when it tries to be a path."""
    name = (name or "").strip()
    if not name:
        _refuse(_("Le fichier n'a pas de nom."), "no_name")
    if "\x00" in name or "/" in name or "\\" in name or ".." in name or name.startswith("."):
        _refuse(_("Ce nom de fichier n'est pas accepté : renommez le fichier (lettres, chiffres, tirets)."), "bad_name")
    if any(unicodedata.category(char).startswith("C") for char in name):
        _refuse(_("Ce nom de fichier contient des caractères invisibles : renommez le fichier."), "bad_name")
    if len(name) > 200:
        stem, suffix = PurePosixPath(name).stem, PurePosixPath(name).suffix
        name = stem[: 200 - len(suffix)] + suffix
    return name


def _sniff_zip(file) -> str | None:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype").strip()
                if mimetype == ODT.encode():
                    return ODT
                if mimetype == ODS.encode():
                    return ODS
                return None
            if "[Content_Types].xml" in names:
                types = archive.read("[Content_Types].xml")[:200_000]
                for marker, content_type in OOXML_MAIN.items():
                    if marker in types:
                        return content_type
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError, NotImplementedError):
        return None
    return None


def sniff(file) -> str | None:
    """The content type read from the content itself, or None when it is none of the accepted ones."""
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        content_type = _sniff_zip(file)
        file.seek(0)
        return content_type
    return None


def validate_upload(file, *, max_bytes: int) -> tuple[str, str]:
    """(content_type, safe_name) of an acceptable upload; ValidationError with a French message otherwise.

    Reads the file only: nothing is written anywhere.
    """
    safe_name = safe_display_name(getattr(file, "name", ""))
    size = file.size
    if not size:
        _refuse(_("Le fichier « %(name)s » est vide.") % {"name": safe_name}, "empty")
    if size > max_bytes:
        _refuse(
            _("Le fichier « %(name)s » pèse %(size)s : la limite est de %(max)s.")
            % {"name": safe_name, "size": filesizeformat(size), "max": filesizeformat(max_bytes)},
            "too_large",
        )
    content_type = sniff(file)
    if content_type is None:
        _refuse(
            _(
                "Le contenu du fichier « %(name)s » n'est pas d'un type accepté "
                "(PDF, PNG, JPEG, ODT, ODS, DOCX, XLSX), quelle que soit son extension."
            )
            % {"name": safe_name},
            "bad_type",
        )
    suffix = PurePosixPath(safe_name).suffix.lower()
    if suffix not in EXTENSIONS[content_type]:
        _refuse(
            _("Le fichier « %(name)s » ne correspond pas à son extension : son contenu est de type %(kind)s.")
            % {"name": safe_name, "kind": sorted(EXTENSIONS[content_type])[0].lstrip(".").upper()},
            "extension_mismatch",
        )
    return content_type, safe_name
