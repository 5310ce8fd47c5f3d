from django.http import FileResponse, HttpResponse
from django.urls import reverse
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from config.parsers import INT64_MAX
from customers.selectors import user_can_export_print_files
from production import selectors, services
from platform_api.pagination import list_response
from production.models import Plate, PlateExport, PrintJob


class CanExportPrintFiles(BasePermission):
    message = "Only the production team can export print files."

    def has_permission(self, request, view) -> bool:
        return user_can_export_print_files(request.user)


class OrderOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.SerializerMethodField()
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    customer_name = serializers.SerializerMethodField()
    product = serializers.CharField(source="design.template.slug")
    revision = serializers.IntegerField(source="revision_id")
    sides = serializers.JSONField(source="revision.sides")
    delivery_latest = serializers.DateField()
    jobs = serializers.SerializerMethodField()

    def get_number(self, order) -> str:
        return services.order_number(order)

    def get_customer_name(self, order) -> str:
        return services.customer_name(order)

    def get_jobs(self, order) -> int:
        return len(order.print_jobs.all())


class PrintQueueApi(APIView):
    """The queue: paid orders (and those in production), with number, status and customer name."""

    permission_classes = [CanExportPrintFiles]

    def get(self, request):
        orders = selectors.orders_to_make()
        orders = orders[:500] if request.version is None else orders  # the legacy queue: its first 500, as before
        return list_response(request=request, view=self, queryset=orders, serializer_class=OrderOutputSerializer)


class PrintExportApi(APIView):
    """The print files of revisions of paid orders as one zip; others are refused with the reason."""

    permission_classes = [CanExportPrintFiles]

    class InputSerializer(serializers.Serializer):
        revision_ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=INT64_MAX), allow_empty=False,
                                             max_length=services.MAX_REVISIONS_PER_EXPORT)

    def post(self, request):
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        content, export = services.print_files_export(revision_ids=payload.validated_data["revision_ids"],
                                                      user=request.user)
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="sartoria-print-batch-{export.pk}.zip"'
        response["X-Content-SHA256"] = export.sha256
        return response


class JobOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    state = serializers.CharField()
    state_display = serializers.CharField(source="get_state_display")
    order = serializers.IntegerField(source="order_id")
    order_number = serializers.SerializerMethodField()
    part = serializers.CharField()
    side = serializers.CharField()
    material = serializers.CharField()
    color = serializers.CharField()
    grams = serializers.FloatField()
    estimated_minutes = serializers.FloatField()
    plate = serializers.IntegerField(source="plate_id", allow_null=True)
    printer = serializers.SerializerMethodField()
    reprint_of = serializers.IntegerField(source="reprint_of_id", allow_null=True)
    updated_at = serializers.DateTimeField()

    def get_order_number(self, job) -> str:
        return services.order_number(job.order)

    def get_printer(self, job) -> str | None:
        return job.plate.printer.name if job.plate_id and job.plate.printer_id else None


class JobPagination(PageNumberPagination):
    page_size = 100
    max_page_size = 500
    page_size_query_param = "page_size"


class PrintJobListApi(APIView):
    """Every print job with its state, code, plate and printer; ?state= and ?plate= filter, ?page= pages."""

    permission_classes = [CanExportPrintFiles]

    def get(self, request):
        jobs = selectors.print_job_list().order_by("pk")
        wanted_state = request.query_params.get("state")
        if wanted_state:
            if wanted_state not in PrintJob.State.values:
                from config.exceptions import ApplicationError
                from django.utils.translation import gettext as _

                raise ApplicationError(
                    _("%(value)s is not a job state; choose one of %(allowed)s.")
                    % {"value": wanted_state, "allowed": ", ".join(PrintJob.State.values)},
                    {"field": "state", "value": wanted_state, "allowed": ", ".join(PrintJob.State.values)})
            jobs = jobs.filter(state=wanted_state)
        if request.query_params.get("plate", "").isdigit():
            jobs = jobs.filter(plate_id=int(request.query_params["plate"]))
        paginator = JobPagination()
        page = paginator.paginate_queryset(jobs, request, view=self)
        return paginator.get_paginated_response(JobOutputSerializer(page, many=True).data)


class StateInputSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=[PrintJob.State.PRINTING, PrintJob.State.PRINTED, PrintJob.State.FAILED,
                                             PrintJob.State.REPRINT])
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class PrintJobStateApi(APIView):
    """Move a job: printing, printed, failed, or reprint (which answers with the new job)."""

    permission_classes = [CanExportPrintFiles]

    def post(self, request, job_id: int):
        job = selectors.print_job_get(job_id=job_id)
        payload = StateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        result = services.print_job_state_set(job=job, state=payload.validated_data["state"], actor=request.user,
                                              note=payload.validated_data["note"])
        return Response(JobOutputSerializer(selectors.print_job_get(job_id=result.pk)).data)


class PlateOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    printer_profile = serializers.CharField()
    material = serializers.CharField()
    color = serializers.CharField()
    printer = serializers.CharField(source="printer.name", allow_null=True, default=None)
    planned_start = serializers.DateTimeField(allow_null=True)
    planned_end = serializers.DateTimeField(allow_null=True)
    estimated_minutes = serializers.IntegerField()
    grams = serializers.FloatField()
    export_count = serializers.IntegerField()
    jobs = serializers.SerializerMethodField()

    def get_jobs(self, plate) -> list[str]:
        return [job.code for job in plate.jobs.all()]


class PlateListApi(APIView):
    permission_classes = [CanExportPrintFiles]

    def get(self, request):
        plates = selectors.plate_list().exclude(status=Plate.Status.CANCELLED).order_by("pk")
        plates = plates[:500] if request.version is None else plates  # the legacy list: its first 500, as before
        return list_response(request=request, view=self, queryset=plates, serializer_class=PlateOutputSerializer)


class PlateStateApi(APIView):
    """Every job of a plate at once: printing, printed or failed."""

    permission_classes = [CanExportPrintFiles]

    def post(self, request, plate_id: int):
        plate = selectors.plate_get(plate_id=plate_id)
        payload = StateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        plate = services.plate_state_set(plate=plate, state=payload.validated_data["state"], actor=request.user,
                                         note=payload.validated_data["note"])
        return Response(PlateOutputSerializer(selectors.plate_get(plate_id=plate.pk)).data)


def plan_data(plan) -> dict | None:
    """The plan as the API and `plan_plates --json` give it."""
    if plan is None:
        return None
    plates = plan.plates.select_related("printer").prefetch_related("jobs").order_by("planned_start", "pk")
    return {
        "id": plan.pk, "created_at": plan.created_at.isoformat(), "horizon_start": plan.horizon_start.isoformat(),
        "solver_status": plan.solver_status, "objective": "lexicographic: lateness, then makespan, then sum of ends",
        "makespan_minutes": plan.makespan_minutes, "lower_bound_minutes": plan.lower_bound_minutes,
        "solver_bound_minutes": plan.solver_bound_minutes,
        "gap": round(plan.gap, 4), "tardiness_minutes": plan.tardiness_minutes, "late_plates": plan.late_plates,
        "solve_seconds": plan.solve_seconds, "lead_time_days": selectors.farm_lead_time_days(),
        "unschedulable_plates": plan.details.get("unschedulable_plates", []),
        "plates": [{
            "id": plate.pk, "printer": plate.printer.name if plate.printer_id else None,
            "printer_profile": plate.printer_profile, "material": plate.material, "color": plate.color,
            "start": plate.planned_start.isoformat() if plate.planned_start else None,
            "end": plate.planned_end.isoformat() if plate.planned_end else None,
            "due": plate.due.isoformat() if plate.due else None,
            "late": bool(plate.planned_end and plate.due and plate.planned_end > plate.due),
            "jobs": [job.code for job in plate.jobs.all()],
        } for plate in plates],
    }


class FarmPlanApi(APIView):
    """GET the current plan; POST plans queued jobs onto plates and the farm again (what plan_plates does)."""

    permission_classes = [CanExportPrintFiles]

    def get(self, request):
        return Response(plan_data(selectors.farm_plan_current()))

    def post(self, request):
        plan = services.plates_plan(actor=request.user)
        return Response(plan_data(plan), status=status.HTTP_201_CREATED)


def export_data(export: PlateExport) -> dict:
    return {
        "id": export.pk, "status": export.status, "status_display": export.get_status_display(),
        "stage": export.stage, "fraction": round(export.fraction, 3), "plates": [plate.pk for plate in
                                                                                 export.plates.all()],
        "plates_done": export.plates_done, "failure_reason": export.failure_reason, "sha256": export.sha256,
        "size_bytes": export.size_bytes,
        "download_url": reverse("api:plate-export-download", kwargs={"export_id": export.pk})
        if export.status == PlateExport.Status.DONE else None,
    }


class PlateExportListApi(APIView):
    """POST {"plate_ids": [...], "again": false}: build the plates' files in the background (202, then poll)."""

    permission_classes = [CanExportPrintFiles]

    class InputSerializer(serializers.Serializer):
        plate_ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=INT64_MAX), allow_empty=False,
                                          max_length=services.MAX_PLATES_PER_EXPORT)
        again = serializers.BooleanField(required=False, default=False)

    def post(self, request):
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        export = services.plate_export_start(plate_ids=payload.validated_data["plate_ids"], user=request.user,
                                             again=payload.validated_data["again"])
        return Response(export_data(export), status=status.HTTP_202_ACCEPTED)


class PlateExportDetailApi(APIView):
    permission_classes = [CanExportPrintFiles]

    def get(self, request, export_id: int):
        return Response(export_data(selectors.plate_export_get(export_id=export_id)))


class PlateExportDownloadApi(APIView):
    permission_classes = [CanExportPrintFiles]

    def get(self, request, export_id: int):
        from django.utils.translation import gettext as _

        export = selectors.plate_export_get(export_id=export_id)
        if export.status != PlateExport.Status.DONE or not export.archive:
            return Response({"detail": _("export %(id)s is not finished yet (%(status)s).")
                             % {"id": export.pk, "status": export.get_status_display()}, "field": "export_id",
                             "value": export.pk}, status=status.HTTP_409_CONFLICT)
        return FileResponse(export.archive.open("rb"), as_attachment=True,
                            filename=f"sartoria-plates-{export.pk}.zip", content_type="application/zip")

