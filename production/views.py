from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from configurator.selectors import revision_list_done
from customers.selectors import EXPORT_PRINT_FILES_PERMISSION


@permission_required(EXPORT_PRINT_FILES_PERMISSION, raise_exception=True)
def production_queue(request: HttpRequest) -> HttpResponse:
    return render(request, "production/queue.html", {"revisions": revision_list_done()[:500]})
