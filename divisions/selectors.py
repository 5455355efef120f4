"""Division names as a reader sees them: in their language, in one query."""

from collections.abc import Iterable

from django.db.models import Q

from .models import Division, shown_name


def division_names(pks: Iterable[int] | None = None) -> dict[int, str]:
    """Each division's name in the reader's language, by pk (every division when pks is None)."""
    divisions = Division.objects.all() if pks is None else Division.objects.filter(pk__in=pks)
    return {
        pk: shown_name(name, name_en)
        for pk, name, name_en in divisions.values_list("pk", "name", "name_en")
    }


def names_shown(recorded: str) -> str:
    """Division names an English record wrote (one, or several joined by ", ") in the reader's
    language; a name no division goes by any more stays as written. One query."""
    written = recorded.split(", ")
    found: dict[str, str] = {}
    matching = Division.objects.filter(Q(name__in=written) | Q(name_en__in=written))
    for name, name_en in matching.values_list("name", "name_en"):
        found[name] = found[name_en or name] = shown_name(name, name_en)
    return ", ".join(found.get(name, name) for name in written)
