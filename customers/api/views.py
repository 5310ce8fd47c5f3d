from django.contrib.auth import logout
from django.http import HttpResponse
from rest_framework.permissions import IsAuthenticated
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from config.exceptions import ApplicationError
from config.ratelimits import attempts_limited
from geometry import scan
from customers.models import FootScan, MeasurementSet
from customers.roles import user_is_store_staff
from stores.selectors import customer_checked_in_find
from customers.selectors import (
    customer_for_user_get,
    measurement_set_extras,
    measurement_set_feet,
    measurement_set_get_for_user,
    measurement_set_list,
    scan_get_for_user,
    scan_list_for_user,
)
from customers.services import (
    customer_get_or_create_for_user,
    measurement_set_foot_glb,
    REQUEST_BODY_MAX_BYTES,
    measurement_set_record,
    scan_upload,
)
from customers.selectors import customer_me_presented, measurement_set_presented
from customers.services import customer_erase, customer_export_data, customer_export_record
from platform_api.filters import ListFilters
from platform_api.idempotency import idempotent
from platform_api.pagination import list_response


class MeasurementSetOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    source = serializers.CharField()
    measured_at = serializers.DateTimeField()
    measurements = serializers.SerializerMethodField()
    extras = serializers.SerializerMethodField()
    size = serializers.SerializerMethodField()

    def get_measurements(self, measurement_set) -> dict:
        return measurement_set_feet(measurement_set=measurement_set)

    def get_extras(self, measurement_set) -> dict:
        return measurement_set_extras(measurement_set=measurement_set)

    def get_size(self, measurement_set) -> dict | None:
        return measurement_set_presented(measurement_set=measurement_set)["size"]


class MeasurementSetListFilters(ListFilters):
    source = serializers.ChoiceField(required=False, choices=MeasurementSet.Source.choices)


class MeasurementSetListCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        measurements = serializers.DictField()  # not JSONField: it rejects NaN before we can name the field
        # The server says where measurements came from: a scan set only from a scan upload, a store set only at the
        # fitting desk. Here a client may say "typed", which is what it is.
        source = serializers.ChoiceField(
            choices=[(MeasurementSet.Source.TYPED, MeasurementSet.Source.TYPED.label)], default=MeasurementSet.Source.TYPED,
            error_messages={"invalid_choice": _("\"{input}\" is set by the server: scans come from a scan upload "
                                                "(/api/scans/), store measurements from the fitting desk.")})

    def get(self, request):
        sets = measurement_set_list(customer=customer_for_user_get(user=request.user))
        sets = MeasurementSetListFilters.apply(request=request, queryset=sets)
        return list_response(request=request, view=self, queryset=sets, serializer_class=MeasurementSetOutputSerializer)

    @idempotent
    def post(self, request):
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        customer = customer_get_or_create_for_user(user=request.user)
        measurement_set = measurement_set_record(
            customer=customer, feet=payload.validated_data["measurements"], source=MeasurementSet.Source.TYPED
        )
        return Response(MeasurementSetOutputSerializer(measurement_set).data, status=status.HTTP_201_CREATED)


class MeasurementSetDetailApi(APIView):
    def get(self, request, measurement_set_id: int):
        measurement_set = measurement_set_get_for_user(measurement_set_id=measurement_set_id, user=request.user)
        return Response(MeasurementSetOutputSerializer(measurement_set).data)


class MeasurementSetFootApi(APIView):
    """The foot of a measurement set as a GLB: the scanned foot when there is one, else an avatar."""

    def get(self, request, measurement_set_id: int, side: str):
        measurement_set = measurement_set_get_for_user(measurement_set_id=measurement_set_id, user=request.user)
        return HttpResponse(measurement_set_foot_glb(measurement_set=measurement_set, side=side), content_type="model/gltf-binary")


class ScanOutputSerializer(serializers.ModelSerializer):
    files = serializers.SerializerMethodField()

    class Meta:
        model = FootScan
        fields = ["id", "status", "stage", "fraction", "failure_reason", "measurement_set", "created_at", "finished_at", "files"]

    def get_files(self, foot_scan) -> list[dict]:
        return [
            {"name": item.original_name, "size_bytes": item.size_bytes, "side": item.side, "result": item.result}
            for item in foot_scan.files.all()
        ]


class ScanListFilters(ListFilters):
    status = serializers.ChoiceField(required=False, choices=FootScan.Status.choices)


class ScanListCreateApi(APIView):
    """Upload one or two foot scans (multipart field `files`); store staff name the customer."""

    parser_classes = [MultiPartParser]

    def get(self, request):
        scans = ScanListFilters.apply(request=request, queryset=scan_list_for_user(user=request.user))
        return list_response(request=request, view=self, queryset=scans, serializer_class=ScanOutputSerializer)

    @attempts_limited("upload")
    @idempotent  # the key covers the files' contents, not the multipart boundary
    def post(self, request):
        limit = REQUEST_BODY_MAX_BYTES
        if int(request.META.get("CONTENT_LENGTH") or 0) > limit:
            raise ApplicationError(
                _("the upload is larger than the %(megabytes).0f MB two scans may be.") % {"megabytes": limit / 1e6},
                {"field": "files", "allowed": f"up to {scan.SCAN_LIMITS.max_file_bytes / 1e6:g} MB per file, 2 files"},
            )
        files = request.FILES.getlist("files")
        if user_is_store_staff(request.user):
            # only a customer checked in at this staff member's store; any other answer is the same 404
            customer = customer_checked_in_find(
                user=request.user, email=request.data.get("customer_email", ""),
                loyalty_card=request.data.get("loyalty_card", ""), customer_id=request.data.get("customer", ""),
            )
        else:
            customer = customer_get_or_create_for_user(user=request.user)
        foot_scan = scan_upload(customer=customer, uploaded_by=request.user, files=files)
        return Response(ScanOutputSerializer(foot_scan).data, status=status.HTTP_202_ACCEPTED)


class ScanDetailApi(APIView):
    def get(self, request, scan_id: int):
        return Response(ScanOutputSerializer(scan_get_for_user(scan_id=scan_id, user=request.user)).data)


class MeApi(APIView):
    """Who is signed in, as the golden record knows them: card, identities and consent."""

    permission_classes = [IsAuthenticated]

    def get(self, request):
        customer = customer_get_or_create_for_user(user=request.user)
        return Response(customer_me_presented(customer=customer, user=request.user))


class MeExportApi(APIView):
    """Everything held about the signed-in customer, as JSON (the profile's download adds their files in a zip)."""

    permission_classes = [IsAuthenticated]

    def get(self, request):
        customer = customer_get_or_create_for_user(user=request.user)
        data = customer_export_data(customer=customer)
        customer_export_record(customer=customer, actor=request.user, what="json")
        response = Response(data)
        response["Content-Disposition"] = 'inline; filename="sartoria-my-data.json"'
        return response


class MeEraseApi(APIView):
    """Erase the signed-in customer's personal data; they confirm with their password. 202: done, logged out."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        password = serializers.CharField(trim_whitespace=False, allow_blank=True,
                                         error_messages={"required": _("Type your password to confirm the erasure.")})

    @attempts_limited("login")
    def post(self, request):
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        customer = customer_get_or_create_for_user(user=request.user)
        erased = customer_erase(customer=customer, password=payload.validated_data["password"], actor=request.user)
        if hasattr(request, "session"):
            logout(request._request)
        return Response({"status": "erased", "reference": erased.anonymous_ref}, status=status.HTTP_202_ACCEPTED)
