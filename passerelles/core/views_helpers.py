"""Small helpers that keep views thin."""

from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
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
