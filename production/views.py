"""The production dashboard and its forms; every write goes through production.services."""
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.exceptions import ApplicationError
from customers.selectors import EXPORT_PRINT_FILES_PERMISSION
from production import presenters, selectors, services

production_only = permission_required(EXPORT_PRINT_FILES_PERMISSION, raise_exception=True)


def _ids(request: HttpRequest, name: str) -> list[int]:
    return [int(value) for value in request.POST.getlist(name) if value.isdigit()]


@production_only
def production_queue(request: HttpRequest) -> HttpResponse:
    """The dashboard: queue, jobs by state and printer, plates, failures and reprints, the farm's timeline."""
    export = None
    if request.GET.get("export", "").isdigit():
        export = selectors.plate_export_find(export_id=int(request.GET["export"]))
    return render(request, "production/dashboard.html", {**presenters.dashboard(), "export": export})


@require_POST
@production_only
def production_plan(request: HttpRequest) -> HttpResponse:
    services.plates_plan(actor=request.user)
    # the plan's sentence is the section's first line: the message only confirms (saying it twice read badly)
    messages.success(request, _("Planned: the timeline below shows every plate on its printer."))
    return redirect("production-queue")


@require_POST
@production_only
def production_plates_export(request: HttpRequest) -> HttpResponse:
    plate_ids = _ids(request, "plate_ids")
    if not plate_ids:
        messages.error(request, _("Tick at least one plate to export."))
        return redirect("production-queue")
    try:
        export = services.plate_export_start(plate_ids=plate_ids, user=request.user,
                                             again=request.POST.get("again") == "on")
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("production-queue")
    return redirect(reverse("production-queue") + f"?export={export.pk}#export")


@require_POST
@production_only
def production_revisions_export(request: HttpRequest) -> HttpResponse:
    """The revisions' own print files as one zip; nothing ticked or a refused revision is a message on the page."""
    revision_ids = _ids(request, "revision_ids")
    if not revision_ids:
        messages.error(request, _("Tick at least one order to download its print files."))
        return redirect("production-queue")
    try:
        content, export = services.print_files_export(revision_ids=revision_ids, user=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("production-queue")
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="sartoria-print-batch-{export.pk}.zip"'
    return response


@require_POST
@production_only
def production_job_state(request: HttpRequest, job_id: int) -> HttpResponse:
    job = selectors.print_job_get(job_id=job_id)
    try:
        result = services.print_job_state_set(job=job, state=request.POST.get("state", ""), actor=request.user,
                                              note=request.POST.get("note", "")[:500])
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(code)s is now: %(state)s.") % {"code": result.code,
                                                                     "state": result.get_state_display()})
    return redirect("production-queue")


@require_POST
@production_only
def production_plate_state(request: HttpRequest, plate_id: int) -> HttpResponse:
    plate = selectors.plate_get(plate_id=plate_id)
    try:
        plate = services.plate_state_set(plate=plate, state=request.POST.get("state", ""), actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Plate %(id)s is now: %(status)s.") % {"id": plate.pk,
                                                                          "status": plate.get_status_display()})
    return redirect("production-queue")
