"""Handing a private file over, once a view has checked that the user may have it.

`serve_private_file` is the only way out of `storages["private"]`. According to `settings.PRIVATE_MEDIA_SERVER`:

- "django" (default, development and tests): Django streams the file itself;
- "nginx": an empty answer with `X-Accel-Redirect: <PRIVATE_MEDIA_ACCEL_PREFIX><name>`; nginx serves the file from
  an `internal` location (docs/deployment.md), Python does not read it;
- "apache": an empty answer with `X-Sendfile: <absolute path>` (mod_xsendfile);
- "signed-url": a redirect to a short-lived signed URL of the storage (S3-compatible storages:
  `storage.url(name, expire=…, parameters=…)`, as django-storages' S3Storage offers).

Every answer says "download, do not guess the type, do not cache": `Content-Disposition: attachment` with the
file's display name, `X-Content-Type-Options: nosniff`, `Cache-Control: private, no-store`.
"""

from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ImproperlyConfigured
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils._os import safe_join
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from passerelles.core.uploads import EXTENSIONS, IMAGE_TYPES

SERVERS = ("django", "nginx", "apache", "signed-url")


def _protect(response, disposition: str, content_type: str):
    response["Content-Disposition"] = disposition
    response["Content-Type"] = content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def serve_private_file(request, fieldfile, *, filename: str, content_type: str = "application/octet-stream"):
    """The answer that delivers `fieldfile` as a download named `filename`; 404 when there is no file.

    Call it only after checking permission: it checks nothing itself.
    """
    if not fieldfile or not fieldfile.name:
        raise Http404
    name, storage = fieldfile.name, fieldfile.storage
    filename = (filename or "fichier").replace("\r", " ").replace("\n", " ")
    disposition = content_disposition_header(as_attachment=True, filename=filename)
    server = getattr(settings, "PRIVATE_MEDIA_SERVER", "django")
    if server not in SERVERS:
        raise ImproperlyConfigured(f"PRIVATE_MEDIA_SERVER must be one of {', '.join(SERVERS)}, not {server!r}.")
    if server == "signed-url":
        url = storage.url(
            name,
            expire=settings.PRIVATE_MEDIA_URL_EXPIRE_SECONDS,
            parameters={"ResponseContentDisposition": disposition, "ResponseContentType": content_type},
        )
        response = HttpResponseRedirect(url)
        response["Cache-Control"] = "private, no-store"
        response["Referrer-Policy"] = "no-referrer"
        return response
    if not storage.exists(name):
        raise Http404
    if server == "nginx":
        prefix = settings.PRIVATE_MEDIA_ACCEL_PREFIX.rstrip("/")
        response = HttpResponse()
        response["X-Accel-Redirect"] = f"{prefix}/{quote(name)}"
        return _protect(response, disposition, content_type)
    if server == "apache":
        response = HttpResponse()
        response["X-Sendfile"] = storage.path(name)
        return _protect(response, disposition, content_type)
    try:
        handle = storage.open(name, "rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return _protect(FileResponse(handle), disposition, content_type)


LOGO_TYPES = {ext: content_type for content_type in IMAGE_TYPES for ext in EXTENSIONS[content_type]}


@login_not_required
@require_safe
def public_logo(request, path):
    """A logo of the public storage (MEDIA_ROOT/logos/): public pages show it to anybody, in every settings."""
    try:
        full_path = safe_join(settings.MEDIA_ROOT, "logos", path)
    except ValueError as error:  # ../ out of the folder
        raise Http404 from error
    suffix = "." + path.rsplit(".", 1)[-1].lower() if "." in path else ""
    if suffix not in LOGO_TYPES:
        raise Http404
    try:
        handle = open(full_path, "rb")  # noqa: SIM115 (FileResponse closes it)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as error:
        raise Http404 from error
    response = FileResponse(handle, content_type=LOGO_TYPES[suffix])
    response["X-Content-Type-Options"] = "nosniff"
    # A new logo gets a new random name: the old address can be cached for ever.
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
