"""What each API view takes and answers, for the OpenAPI schema: the views' own serializers, mapped per method.

The views are plain APIViews with nested Input/Output serializers (CONVENTIONS.md), which drf-spectacular cannot
guess; these extensions decorate them from here (one place, no edits inside views that others are changing). Error
answers (400/401/403/404/409/413/422/429), pagination and the Idempotency-Key header are added to every operation by
platform_api.schema.ApiAutoSchema, so a new view needs only its success bodies here.
"""
from drf_spectacular.extensions import OpenApiViewExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer

from platform_api.schema import ErrorSerializer

BINARY = OpenApiTypes.BINARY


def _files(*media_types: str, description: str) -> dict:
    return {(200, media_type): OpenApiResponse(BINARY, description) for media_type in media_types}


def _view(target: str, attributes: dict | None = None, **methods):
    """An extension that decorates the view class `target` with extend_schema per method (lazily imported)."""

    def view_replacement(self):
        @extend_schema_view(**{name: build(self.target_class) for name, build in methods.items()})
        class Documented(self.target_class):
            pass

        for name, value in (attributes or {}).items():
            setattr(Documented, name, value)
        return Documented

    return type(f"{target.rsplit('.', 1)[1]}Schema", (OpenApiViewExtension,),
                {"target_class": target, "view_replacement": view_replacement})


def _configurator():
    from configurator.api import views

    price = inline_serializer("Price", {"amount": serializers.DecimalField(max_digits=10, decimal_places=2),
                                        "currency": serializers.CharField()})
    quote = inline_serializer("Quote", {
        "price": price,
        "lines": serializers.ListField(child=serializers.DictField(), help_text="Priced lines, labels translated."),
        "grams": serializers.FloatField(), "print_hours": serializers.FloatField(),
        "delivery": inline_serializer("QuoteDelivery", {
            "days_min": serializers.IntegerField(), "days_max": serializers.IntegerField(),
            "earliest": serializers.DateField(), "latest": serializers.DateField()}),
    })
    class DesignDetail(views.DesignOutputSerializer):
        revisions = views.RevisionOutputSerializer(many=True)

        class Meta:
            ref_name = "DesignDetail"

    design_detail = DesignDetail
    share = inline_serializer("DesignShared", {
        "url": serializers.URLField(), "revision": serializers.IntegerField(allow_null=True),
        "design": views.DesignOutputSerializer()})
    design_list_parameters = [views.DesignListFilters]
    if hasattr(views.DesignListCreateApi, "FilterSerializer"):  # store staff's `customer`
        design_list_parameters.append(views.DesignListCreateApi.FilterSerializer)
    return [
        _view("configurator.api.views.ProductListApi", get=lambda v: extend_schema(
            summary="The catalogue", responses=views.ProductOutputSerializer(many=True),
            parameters=[views.ProductListFilters])),
        _view("configurator.api.views.ProductDetailApi", get=lambda v: extend_schema(
            summary="One product with its options", responses=views.ProductOutputSerializer)),
        _view("configurator.api.views.ProductModelApi", get=lambda v: extend_schema(
            summary="The product on a typical foot (GLB)",
            responses=_files("model/gltf-binary", description="glTF binary"))),
        _view("configurator.api.views.QuoteApi", post=lambda v: extend_schema(
            summary="Price and delivery for options", request=v.InputSerializer, responses={200: quote})),
        _view("configurator.api.views.DesignListCreateApi",
              get=lambda v: extend_schema(summary="Designs this user may open",
                                          responses=views.DesignOutputSerializer(many=True),
                                          parameters=design_list_parameters),
              post=lambda v: extend_schema(summary="Start a design", request=v.InputSerializer,
                                           responses={201: views.DesignOutputSerializer})),
        _view("configurator.api.views.DesignDetailApi",
              get=lambda v: extend_schema(summary="A design with its revisions", responses=design_detail),
              patch=lambda v: extend_schema(summary="Rename", request=v.InputSerializer,
                                            responses=views.DesignOutputSerializer),
              delete=lambda v: extend_schema(summary="Hide from its owner", responses={204: None})),
        _view("configurator.api.views.DesignDuplicateApi", post=lambda v: extend_schema(
            summary="Copy a design", request=None, responses={201: views.DesignOutputSerializer})),
        _view("configurator.api.views.DesignShareApi",
              post=lambda v: extend_schema(summary="Share read-only", request=v.InputSerializer,
                                           responses={200: share}),
              delete=lambda v: extend_schema(summary="Withdraw the link", request=None, responses={204: None})),
        _view("configurator.api.views.OrderListCreateApi",
              get=lambda v: extend_schema(summary="Orders", responses=views.OrderOutputSerializer(many=True),
                                          parameters=[views.OrderListFilters]),
              post=lambda v: extend_schema(summary="Order a finished revision", request=v.InputSerializer,
                                           responses={201: views.OrderOutputSerializer})),
        _view("configurator.api.views.RevisionListRequestApi",
              get=lambda v: extend_schema(summary="A design's revisions",
                                          responses=views.RevisionOutputSerializer(many=True),
                                          parameters=[views.RevisionListFilters]),
              post=lambda v: extend_schema(summary="Ask for a revision (built in the background)",
                                           request=v.InputSerializer,
                                           responses={202: views.RevisionOutputSerializer})),
        _view("configurator.api.views.RevisionDetailApi", get=lambda v: extend_schema(
            summary="A revision, its status and files", responses=views.RevisionOutputSerializer)),
        _view("configurator.api.views.RevisionFileApi", get=lambda v: extend_schema(
            summary="A revision's file (print files for the makers only)",
            responses=_files(*views.CONTENT_TYPES.values(), description="The file"))),
        _view("configurator.api.views.SharedRevisionFileApi", get=lambda v: extend_schema(
            summary="A shared design's model or preview", auth=[],
            responses=_files("model/gltf-binary", "image/png", description="The file"))),
    ]


def _customers():
    from customers.api import views

    upload = inline_serializer("ScanUpload", {
        "files": serializers.ListField(child=serializers.FileField(), help_text="One or two foot scans."),
        "customer_email": serializers.EmailField(required=False, help_text="Store staff: whose feet."),
        "loyalty_card": serializers.CharField(required=False, help_text="Store staff: whose feet."),
    })
    return [
        _view("customers.api.views.ScanListCreateApi",
              get=lambda v: extend_schema(summary="Foot scans", responses=views.ScanOutputSerializer(many=True),
                                          parameters=[views.ScanListFilters]),
              post=lambda v: extend_schema(summary="Upload foot scans (processed in the background)",
                                           request={"multipart/form-data": upload},
                                           responses={202: views.ScanOutputSerializer})),
        _view("customers.api.views.ScanDetailApi", get=lambda v: extend_schema(
            summary="A scan and its progress", responses=views.ScanOutputSerializer)),
        _view("customers.api.views.MeasurementSetListCreateApi",
              get=lambda v: extend_schema(summary="The customer's measurement sets",
                                          responses=views.MeasurementSetOutputSerializer(many=True),
                                          parameters=[views.MeasurementSetListFilters]),
              post=lambda v: extend_schema(summary="Record typed measurements", request=v.InputSerializer,
                                           responses={201: views.MeasurementSetOutputSerializer})),
        _view("customers.api.views.MeasurementSetDetailApi", get=lambda v: extend_schema(
            summary="One measurement set", responses=views.MeasurementSetOutputSerializer)),
        _view("customers.api.views.MeasurementSetFootApi", get=lambda v: extend_schema(
            summary="The set's foot as a GLB", responses=_files("model/gltf-binary", description="glTF binary"))),
    ]


def _tokens():
    token = inline_serializer("Token", {"token": serializers.CharField(), "expires": serializers.DateTimeField()})
    return [
        _view("config.tokens.TokenApi",
              post=lambda v: extend_schema(summary="A token for a username and password", auth=[],
                                           request=AuthTokenSerializer, responses={200: token}),
              delete=lambda v: extend_schema(summary="Revoke the token", request=None, responses={204: None})),
    ]


def _orders():
    from configurator.api import orders

    return [
        _view("configurator.api.orders.OrderDetailApi",
              get=lambda v: extend_schema(summary="One order with its lines, delivery and history",
                                          responses=orders.OrderOutputSerializer),
              patch=lambda v: extend_schema(summary="Change the delivery until production starts",
                                            request=v.DeliveryInputSerializer, responses=orders.OrderOutputSerializer)),
        _view("configurator.api.orders.OrderPayApi", post=lambda v: extend_schema(
            summary="Record a payment made outside the web checkout", request=orders.OrderStatusInputSerializer,
            responses={200: orders.OrderOutputSerializer})),
        _view("configurator.api.orders.OrderCancelApi", post=lambda v: extend_schema(
            summary="Cancel an order not yet in production", request=orders.OrderStatusInputSerializer,
            responses={200: orders.OrderOutputSerializer})),
        _view("configurator.api.orders.OrderStatusApi", post=lambda v: extend_schema(
            summary="Move an order along its lifecycle (staff)", request=v.InputSerializer,
            responses={200: orders.OrderOutputSerializer})),
    ]


def _me():
    from customers.api import estimates, views

    me = inline_serializer("Me", {
        "id": serializers.IntegerField(), "username": serializers.CharField(), "name": serializers.CharField(),
        "email": serializers.CharField(), "is_guest": serializers.BooleanField(),
        "loyalty_card": serializers.JSONField(help_text="The customer's card."),
        "identities": serializers.ListField(child=serializers.DictField()),
        "consent": serializers.JSONField(help_text="What the customer agreed to, and when."),
    })
    erased = inline_serializer("Erased", {"status": serializers.CharField(), "reference": serializers.CharField()})
    return [
        _view("customers.api.views.MeApi", get=lambda v: extend_schema(
            summary="Who is signed in: card, identities, consent", responses=me)),
        _view("customers.api.views.MeExportApi", get=lambda v: extend_schema(
            summary="Everything held about the signed-in customer", responses={200: OpenApiTypes.OBJECT})),
        _view("customers.api.views.MeEraseApi", post=lambda v: extend_schema(
            summary="Erase the signed-in customer's personal data (confirmed with the password)",
            request=v.InputSerializer, responses={202: erased})),
        _view("customers.api.estimates.MeasurementSetEstimateApi", post=lambda v: extend_schema(
            summary="Measurements estimated from a shoe size", request=v.InputSerializer,
            responses={201: views.MeasurementSetOutputSerializer})),
    ]


def _production():
    from production.api import views
    from production.models import PrintJob

    plan = {"type": "object", "nullable": True, "additionalProperties": {},
            "description": "The farm plan: its solver figures and plates (null before the first plan)."}
    export = inline_serializer("PlateExport", {
        "id": serializers.IntegerField(), "status": serializers.CharField(),
        "status_display": serializers.CharField(), "stage": serializers.CharField(allow_blank=True),
        "fraction": serializers.FloatField(), "plates": serializers.ListField(child=serializers.IntegerField()),
        "plates_done": serializers.IntegerField(), "failure_reason": serializers.CharField(allow_blank=True),
        "sha256": serializers.CharField(allow_blank=True, allow_null=True),
        "size_bytes": serializers.IntegerField(allow_null=True),
        "download_url": serializers.CharField(allow_null=True)})
    zip_file = {(200, "application/zip"): OpenApiResponse(BINARY, "A zip of print files")}
    return [
        _view("production.api.views.PrintQueueApi", get=lambda v: extend_schema(
            summary="Orders to make, oldest promise first", responses=views.OrderOutputSerializer(many=True))),
        _view("production.api.views.PrintExportApi", post=lambda v: extend_schema(
            summary="The print files of revisions as one zip", request=v.InputSerializer, responses=zip_file)),
        _view("production.api.views.PrintJobListApi", get=lambda v: extend_schema(
            summary="Print jobs with state, code, plate and printer",
            responses=views.JobOutputSerializer(many=True), parameters=[
                OpenApiParameter("state", OpenApiTypes.STR, enum=list(PrintJob.State.values), required=False),
                OpenApiParameter("plate", OpenApiTypes.INT, required=False, description="A plate's id.")])),
        _view("production.api.views.PrintJobStateApi", post=lambda v: extend_schema(
            summary="A job's state", request=views.StateInputSerializer, responses={200: views.JobOutputSerializer})),
        _view("production.api.views.PlateListApi", get=lambda v: extend_schema(
            summary="Plates", responses=views.PlateOutputSerializer(many=True))),
        _view("production.api.views.PlateStateApi", post=lambda v: extend_schema(
            summary="Every job of a plate at once", request=views.StateInputSerializer,
            responses={200: views.PlateOutputSerializer})),
        _view("production.api.views.FarmPlanApi",
              get=lambda v: extend_schema(summary="The current farm plan", responses={200: plan}),
              post=lambda v: extend_schema(summary="Plan queued jobs onto plates and printers again", request=None,
                                           responses={201: plan})),
        _view("production.api.views.PlateExportListApi", post=lambda v: extend_schema(
            summary="Build plates' files in the background", request=v.InputSerializer, responses={202: export})),
        _view("production.api.views.PlateExportDetailApi", get=lambda v: extend_schema(
            summary="An export's progress", responses=export)),
        _view("production.api.views.PlateExportDownloadApi", get=lambda v: extend_schema(
            summary="A finished export's zip", responses={
                **zip_file, 409: OpenApiResponse(ErrorSerializer, "The export is not finished yet.")})),
    ]


def _stores():
    from stores.api import views

    class StoreFound(views.StoreOutputSerializer):
        distance_km = serializers.FloatField(allow_null=True, help_text="From the place asked for, if any.")

        class Meta:
            ref_name = "StoreFound"

    unlocked = inline_serializer("Unlocked", {"unlocked": serializers.BooleanField()})
    return [
        _view("stores.api.views.CheckInListCreateApi",
              get=lambda v: extend_schema(summary="Customers checked in at this store now",
                                          responses=views.CheckInOutputSerializer(many=True)),
              post=lambda v: extend_schema(summary="Check a customer in", request=v.InputSerializer,
                                           responses={201: views.CheckInOutputSerializer})),
        _view("stores.api.views.CheckInDetailApi",
              get=lambda v: extend_schema(summary="One check-in", responses=views.CheckInOutputSerializer),
              delete=lambda v: extend_schema(summary="Check the customer out", responses={204: None})),
        _view("stores.api.views.StaffPinApi", put=lambda v: extend_schema(
            summary="Set my tablet unlock PIN", request=v.InputSerializer, responses={204: None})),
        _view("stores.api.views.TabletUnlockApi", post=lambda v: extend_schema(
            summary="Unlock the idle tablet", request=v.InputSerializer, responses={200: unlocked})),
        _view("stores.api.views.StoreListApi", attributes={"unpaginated": True}, get=lambda v: extend_schema(
            summary="Stores, nearest first (a short list: not paged)", parameters=[v.InputSerializer],
            responses=StoreFound(many=True))),
    ]


EXTENSIONS = [*_configurator(), *_customers(), *_tokens(), *_orders(), *_me(), *_production(), *_stores()]
