"""Small helpers that keep views thin."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

NEXT_MAX_LENGTH = 200


def require(predicate):
    """The view needs `predicate(user, request.organisation)`; otherwise 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not predicate(request.user, request.organisation):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def paginate(request, queryset, per_page: int | None = None):
    paginator = Paginator(queryset, per_page or settings.PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def querystring_without(request, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def apply_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has it, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


EXPORT_FORMATS = ("csv", "xlsx")


def export_format(request, *, accepted=EXPORT_FORMATS) -> str:
    """The file format a list is asked in (`?format=`, csv by default); 404 for one the list does not offer."""
    fmt = request.GET.get("format", "csv")
    if fmt not in accepted:
        raise Http404
    return fmt


def export_delimiter(request) -> str:
    """`;` for the French spreadsheets' CSV (`?sep=semicolon`), else `,`."""
    return ";" if request.GET.get("sep") == "semicolon" else ","


def form_status(request) -> int:
    """The status of a form page: 422 when it comes back after a POST (invalid or refused), 200 on a GET."""
    return 422 if request.method == "POST" else 200


def save_form(request, form, save, *, success, next_url):
    """The POST half of a create or edit page, the same for all: a redirect once saved, else None.

    A valid POSTed form goes to `save(cleaned_data)` (the service call); then `success` is flashed and the browser
    sent to `next_url`, each a value or a function of what `save` returned. A service's ValidationError lands on the
    form. None on a GET, an invalid form or a refusal: the view shows its form again (`form_status`).
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        saved = save(form.cleaned_data)
    except ValidationError as error:
        apply_errors(form, error)
        return None
    messages.success(request, success(saved) if callable(success) else success)
    return redirect(next_url(saved) if callable(next_url) else next_url)


def safe_next(request, value) -> str:
    """A page of this site to come back to (`?next=`), as a local path; "" for anything else.

    Refuses other hosts (`https://evil.example`, `//evil.example`), other schemes (`javascript:`), backslashes and
    control characters that browsers read as slashes, and paths too long to be stored.
    """
    value = value if isinstance(value, str) else ""
    if (
        not value
        or len(value) > NEXT_MAX_LENGTH
        or not value.startswith("/")
        or value.startswith("//")
        or "\\" in value
        or any(ord(char) < 33 or ord(char) == 127 for char in value)
    ):
        return ""
    allowed = url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return value if allowed else ""
