"""Query-string filters for lists, declared as a serializer (so the schema documents them) and applied by lookup."""
from django.db.models import QuerySet
from rest_framework import serializers

from config.exceptions import ApplicationError


class ListFilters(serializers.Serializer):
    """Subclass with optional fields and `lookups = {field: ORM lookup}`; `apply` validates and filters."""

    lookups: dict[str, str] = {}

    @classmethod
    def apply(cls, *, request, queryset: QuerySet) -> QuerySet:
        params = cls(data=request.query_params)
        if not params.is_valid():
            field, messages = next(iter(params.errors.items()))
            declared = params.fields.get(field)
            allowed = None
            if isinstance(declared, serializers.ChoiceField):
                allowed = sorted(str(choice) for choice in declared.choices)
            raise ApplicationError(f"{field}: {' '.join(str(message) for message in messages)}",
                                   {"field": field, "value": request.query_params.get(field), "allowed": allowed})
        chosen = {cls.lookups.get(name, name): value for name, value in params.validated_data.items()
                  if value not in (None, "")}
        return queryset.filter(**chosen)  # forward lookups only: no join multiplies the rows
