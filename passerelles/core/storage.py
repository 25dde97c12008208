"""Where uploaded files live: private files apart from public ones, under names nobody can guess.

- `storages["private"]` holds every document of a project, a period, an evaluation or an application. It has no URL:
  a private file leaves only through a view that checks permission and calls `core.files.serve_private_file`.
- `storages["default"]` (MEDIA_ROOT, MEDIA_URL) holds public files only: the organisations' logos.
"""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property


def private_storage():
    """The storage of private files (a callable, so that tests and settings can change it)."""
    return storages["private"]


class PrivateFileSystemStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT, outside anything a web server publishes; `url()` refuses to give an address."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise ValueError("A private file has no public URL: serve it through a view (core.files.serve_private_file).")


def _extension(filename: str) -> str:
    suffix = PurePosixPath(filename or "").suffix.lower()
    return suffix if 1 < len(suffix) <= 6 and suffix[1:].isalnum() and suffix[1:].isascii() else ""


@deconstructible
class RandomName:
    """`upload_to`: `<prefix>/<organisation id>/<32 random hex digits><.ext>`; the uploader's name is never a path."""

    def __init__(self, prefix: str):
        self.prefix = prefix

    def __call__(self, instance, filename: str) -> str:
        owner = getattr(instance, "organisation_id", None) or "common"
        return f"{self.prefix}/{owner}/{uuid.uuid4().hex}{_extension(filename)}"

    def __eq__(self, other):
        return isinstance(other, RandomName) and other.prefix == self.prefix


def logo_upload_to(instance, filename: str) -> str:
    """Logos are public, but a fresh name per upload also lets browsers cache them for ever."""
    return f"logos/{uuid.uuid4().hex}{_extension(filename)}"
