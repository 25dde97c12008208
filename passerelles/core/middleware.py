from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect
from django.utils import translation

from passerelles.core.models import Organisation
from passerelles.core.permissions import get_membership


class OrganisationMiddleware:
    """Resolves `/<org_slug>/…` into `request.organisation` and `request.membership`.

    Anyone who is not an active member gets 404: the existence of a space is not disclosed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.organisation = None
        request.membership = None
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.pop("org_slug", None)
        if slug is None:
            return None
        if not request.user.is_authenticated:
            return redirect(f"/comptes/connexion/?next={request.path}")
        organisation = Organisation.objects.filter(slug=slug).first()
        membership = get_membership(request.user, organisation)
        if membership is None:
            raise Http404
        request.organisation = organisation
        request.membership = membership
        if request.session.get("last_organisation") != organisation.slug:
            request.session["last_organisation"] = organisation.slug
        return None


class LanguageMiddleware:
    """French unless the person chose another language with the switcher (cookie).

    The browser's Accept-Language is ignored on purpose: the platform speaks French to a French public body,
    and a half-translated page announced as English would mislead screen readers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
