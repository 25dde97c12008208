"""The one check of every uploaded file, before anything is written: size, a harmless name, the REAL type by content,
and for archives (office documents are ZIP files) a bounded inspection that refuses decompression bombs.

The extension proves nothing: a file is accepted only when its first bytes (and, for office documents, the inside of
its ZIP container) say it is one of the types the caller accepts. An archive is read member by member in small
chunks, never trusting the sizes its headers declare: the total of what it really expands to and its compression
ratio are capped (settings `UPLOAD_MAX_UNCOMPRESSED_BYTES`, `UPLOAD_MAX_COMPRESSION_RATIO`), and archives nested in
it are inspected the same way, within the same budget, one level deep at most. Memory stays flat whatever the
archive claims or hides: at most one chunk is held at a time (plus a nested member, spooled to disk past 1 MiB).
"""

import struct
import tempfile
import unicodedata
import zipfile
import zlib
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
WEBP = "image/webp"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

EXTENSIONS = {
    PDF: (".pdf",),
    PNG: (".png",),
    JPEG: (".jpg", ".jpeg"),
    WEBP: (".webp",),
    ODT: (".odt",),
    ODS: (".ods",),
    ODP: (".odp",),
    DOCX: (".docx",),
    XLSX: (".xlsx",),
    PPTX: (".pptx",),
}
# What each app accepts.
DOCUMENT_TYPES = (PDF, PNG, JPEG, ODT, ODS, DOCX, XLSX)
EVIDENCE_TYPES = (PDF, PNG, JPEG, ODT, ODS, ODP, DOCX, XLSX, PPTX)
IMAGE_TYPES = (PNG, JPEG, WEBP)

ODF_MIMETYPES = {ODT.encode(): ODT, ODS.encode(): ODS, ODP.encode(): ODP}
# Office Open XML: the main part's content type declared in [Content_Types].xml, else the main part itself.
OOXML_MAIN = {
    b"wordprocessingml.document.main+xml": DOCX,
    b"spreadsheetml.sheet.main+xml": XLSX,
    b"presentationml.presentation.main+xml": PPTX,
}
OOXML_PARTS = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX, "ppt/presentation.xml": PPTX}

ZIP_MAGIC = b"PK\x03\x04"
CHUNK = 64 * 1024
# The compression ratio is only judged past this many expanded bytes: tiny documents compress very well.
RATIO_FLOOR_BYTES = 1024 * 1024
SPOOL_BYTES = 1024 * 1024
MAX_MEMBERS = 5000
MAX_DEPTH = 2  # the upload itself and archives directly inside it

# What a damaged or hostile archive may raise while it is read.
ARCHIVE_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    struct.error,
    KeyError,
    EOFError,
    OSError,
    RuntimeError,
    ValueError,
    NotImplementedError,
)
DEFAULT_MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_COMPRESSION_RATIO = 100


def type_label(content_type: str) -> str:
    return "JPEG" if content_type == JPEG else EXTENSIONS[content_type][0].lstrip(".").upper()


def accepted_extensions(accepted=DOCUMENT_TYPES) -> list[str]:
    return sorted(ext for content_type in accepted for ext in EXTENSIONS[content_type])


def _refuse(message: str, code: str):
    raise ValidationError(message, code=code)


def safe_display_name(name: str | None) -> str:
    """The uploader's file name, shown and offered back on download; refused when it tries to be a path."""
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


# -- archives --------------------------------------------------------------------------------------------------


class _Budget:
    """What the whole upload may expand to, shared by the archive and the archives nested in it."""

    def __init__(self, compressed_size: int):
        self.compressed_size = max(compressed_size, 1)
        self.max_bytes = getattr(settings, "UPLOAD_MAX_UNCOMPRESSED_BYTES", DEFAULT_MAX_UNCOMPRESSED_BYTES)
        self.max_ratio = getattr(settings, "UPLOAD_MAX_COMPRESSION_RATIO", DEFAULT_MAX_COMPRESSION_RATIO)
        self.used = 0
        self.members = 0

    def spend(self, count: int) -> None:
        self.used += count
        if self.used > self.max_bytes:
            _refuse_bomb()
        if self.used > RATIO_FLOOR_BYTES and self.used > self.max_ratio * self.compressed_size:
            _refuse_bomb()


def _refuse_bomb():
    _refuse(
        _(
            "Ce fichier compressé se décompresse en un volume anormal (bombe de décompression ?) : il est refusé. "
            "Enregistrez le document à nouveau depuis votre logiciel, sans contenu inutile, puis réessayez."
        ),
        "archive_too_large",
    )


def _refuse_unreadable():
    _refuse(_("Ce fichier compressé est endommagé ou illisible : il est refusé."), "archive_unreadable")


def _declared_total(infos) -> int:
    return sum(info.file_size for info in infos)


def _inspect(file, budget: _Budget, depth: int) -> None:
    with zipfile.ZipFile(file) as archive:
        infos = archive.infolist()
        budget.members += len(infos)
        if budget.members > MAX_MEMBERS:
            _refuse_bomb()
        # The declared sizes are only a quick first refusal; what is really read is counted below.
        if _declared_total(infos) > budget.max_bytes:
            _refuse_bomb()
        for info in infos:
            if info.is_dir():
                continue
            with archive.open(info) as member:
                head = member.read(len(ZIP_MAGIC))
                budget.spend(len(head))
                if head == ZIP_MAGIC:
                    if depth >= MAX_DEPTH:
                        _refuse(
                            _("Ce fichier contient des archives imbriquées les unes dans les autres : il est refusé."),
                            "archive_nested",
                        )
                    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as inner:
                        inner.write(head)
                        _drain(member, budget, inner)
                        inner.seek(0)
                        _inspect(inner, budget, depth + 1)
                else:
                    _drain(member, budget, None)


def _drain(member, budget: _Budget, sink) -> None:
    while True:
        chunk = member.read(CHUNK)
        if not chunk:
            return
        budget.spend(len(chunk))
        if sink is not None:
            sink.write(chunk)


def check_archive(file) -> None:
    """Refuse a ZIP upload that expands too much (size, ratio, nesting) or cannot be read; reads in bounded chunks.

    Leaves the file at its start. Files that are not ZIP archives pass untouched.
    """
    file.seek(0)
    head = file.read(len(ZIP_MAGIC))
    file.seek(0)
    if head != ZIP_MAGIC:
        return
    size = getattr(file, "size", None)
    if size is None:
        size = file.seek(0, 2)
        file.seek(0)
    try:
        _inspect(file, _Budget(size), depth=1)
    except ValidationError:
        raise
    except ARCHIVE_ERRORS:
        _refuse_unreadable()
    finally:
        file.seek(0)


# -- types by content ------------------------------------------------------------------------------------------


def _read_member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    with archive.open(name) as member:
        return member.read(limit)


def _sniff_zip(file) -> str | None:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                return ODF_MIMETYPES.get(_read_member(archive, "mimetype", 200).strip())
            if "[Content_Types].xml" in names:
                types = _read_member(archive, "[Content_Types].xml", 200_000)
                for marker, content_type in OOXML_MAIN.items():
                    if marker in types:
                        return content_type
                for part, content_type in OOXML_PARTS.items():
                    if part in names:
                        return content_type
    except ARCHIVE_ERRORS:
        return None
    return None


def sniff(file) -> str | None:
    """The content type read from the content itself, or None when it is none of the known ones.

    Call `check_archive` first on anything that may be a ZIP: `sniff` reads only two small members.
    """
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(ZIP_MAGIC):
        content_type = _sniff_zip(file)
        file.seek(0)
        return content_type
    return None


def validate_upload(file, *, max_bytes: int, accepted=DOCUMENT_TYPES) -> tuple[str, str]:
    """(content_type, safe_name) of an acceptable upload; ValidationError with a French message otherwise.

    Reads the file only (archives in bounded chunks): nothing is written anywhere.
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
    try:
        check_archive(file)
    except ValidationError as error:
        if error.code != "archive_unreadable":
            raise
        content_type = None  # a damaged archive is none of the accepted types
    else:
        content_type = sniff(file)
    if content_type is None or content_type not in accepted:
        _refuse(
            _(
                "Le contenu du fichier « %(name)s » n'est pas d'un type accepté "
                "(%(types)s), quelle que soit son extension."
            )
            % {"name": safe_name, "types": ", ".join(type_label(t) for t in accepted)},
            "bad_type",
        )
    suffix = PurePosixPath(safe_name).suffix.lower()
    if suffix not in EXTENSIONS[content_type]:
        _refuse(
            _("Le fichier « %(name)s » ne correspond pas à son extension : son contenu est de type %(kind)s.")
            % {"name": safe_name, "kind": type_label(content_type)},
            "extension_mismatch",
        )
    return content_type, safe_name
