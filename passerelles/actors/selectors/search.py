"""Full-text search of actors: PostgreSQL full-text (French configuration) when available, a SQLite path otherwise."""

from django.db import connection
from django.db.models import Q, QuerySet

SEARCH_FIELDS = ("name", "description", "commune")


def search_actors(actors: QuerySet, text: str) -> QuerySet:
    text = (text or "").strip()[:200]
    if not text:
        return actors
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector(*SEARCH_FIELDS, config="french")
        query = SearchQuery(text, config="french", search_type="websearch")
        # Prefix matches too, so that "jumel" finds "jumelage" as a person typing expects.
        prefix = Q()
        for word in text.split()[:10]:
            prefix &= Q(name__icontains=word) | Q(description__icontains=word) | Q(commune__icontains=word)
        return actors.annotate(search=vector).filter(Q(search=query) | prefix)
    condition = Q()
    for word in text.split()[:10]:
        condition &= Q(name__icontains=word) | Q(description__icontains=word) | Q(commune__icontains=word)
    return actors.filter(condition)
