"""Template context of the actors app, for the base template of every page."""

from django.utils.functional import SimpleLazyObject

from passerelles.actors.selectors.accounts import has_own_actors


def actor_space(request):
    """`has_actor_space`: the logged-in user holds directory entries (a member of the staff may, too), so the header
    links to `comptes/acteur/`. Lazy: the query runs only when a template asks."""
    user = getattr(request, "user", None)
    return {"has_actor_space": SimpleLazyObject(lambda: bool(user is not None and has_own_actors(user=user)))}
