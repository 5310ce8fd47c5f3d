"""Pages of every list under /api/v1/: {"count", "next", "previous", "results"}; the legacy /api/ lists stay arrays."""
from django.db.models import QuerySet
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer


class ApiPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def list_response(*, request, view, queryset: QuerySet, serializer_class: type[BaseSerializer],
                  context: dict | None = None) -> Response:
    """A list answer: a page under /api/v1/, the whole list as a plain array on the legacy /api/ path."""
    context = {"request": request, **(context or {})}
    if request.version is None:  # today's studio and integrators read these as arrays: they keep doing so
        return Response(serializer_class(queryset, many=True, context=context).data)
    if isinstance(queryset, QuerySet) and not queryset.ordered:  # pages of an unordered list would overlap
        queryset = queryset.order_by("pk")
    paginator = ApiPagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True, context=context).data)
