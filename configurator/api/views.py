from django.http import HttpResponse
from django.utils.translation import gettext as _
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from config.downloads import stored_file_response
from config.exceptions import ApplicationError
from config.parsers import INT64_MAX
from configurator.api.orders import OrderOutputSerializer
from configurator.fit_text import report_translated
from configurator.option_text import option_translated
from geometry import registry
from configurator.models import DesignRevision, Order
from configurator.selectors import (
    design_get_by_share_token,
    design_get_for_user,
    design_list_for_customer,
    design_list_for_user,
    order_get_by_checkout_token,
    order_list_for_user,
    product_get,
    product_list,
    revision_file_get_for_user,
    revision_file_get_shared,
    revision_get_for_user,
    revision_list_for_design,
    revision_requested_by_presented,
)
from configurator.services import (
    design_create,
    design_delete,
    design_duplicate,
    design_rename,
    design_share,
    design_unshare,
    order_place,
    product_model_glb,
    quote_compute,
    revision_request_with_measurements,
)
from customers.services import customer_get_or_create_for_user
from platform_api.caching import PublicCacheMixin
from platform_api.filters import ListFilters
from platform_api.idempotency import idempotent
from platform_api.pagination import list_response
from stores.selectors import customer_checked_in_get, staff_membership_get
from stores.services import staff_lookup_record, staff_revision_record


class ProductOutputSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    base_price = serializers.DecimalField(max_digits=8, decimal_places=2)
    currency = serializers.CharField()
    options = serializers.SerializerMethodField()

    def get_options(self, product) -> list[dict]:
        return [option_translated(option) for option in registry.option_schema(product.generator_key)]


class ProductListFilters(ListFilters):
    q = serializers.CharField(required=False, max_length=120, help_text="Part of the product's name.")
    lookups = {"q": "name__icontains"}


class ProductListApi(PublicCacheMixin, APIView):
    permission_classes = [AllowAny]  # the catalogue is public

    def get(self, request):
        products = ProductListFilters.apply(request=request, queryset=product_list())
        return list_response(request=request, view=self, queryset=products, serializer_class=ProductOutputSerializer)


class ProductDetailApi(PublicCacheMixin, APIView):
    permission_classes = [AllowAny]

    def get(self, request, slug: str):
        return Response(ProductOutputSerializer(product_get(slug=slug)).data)


class RevisionOutputSerializer(serializers.ModelSerializer):
    design = serializers.IntegerField(source="design_id")
    files = serializers.SerializerMethodField()
    report = serializers.SerializerMethodField()
    requested_by = serializers.SerializerMethodField()

    class Meta:
        model = DesignRevision
        fields = [
            "id", "design", "number", "params_hash", "parameters", "measurements", "sides", "measurement_set",
            "status", "failure_reason", "report", "created_at", "started_at", "finished_at", "files",
            "requested_by", "requested_at",
        ]

    def get_requested_by(self, revision) -> dict:
        return revision_requested_by_presented(revision=revision)

    def get_report(self, revision) -> dict:
        return report_translated(revision.report)

    def get_files(self, revision) -> list[dict]:
        request = self.context.get("request")
        return [
            {
                "side": item.side,
                "name": item.name,
                "kind": item.kind,
                "sha256": item.sha256,
                "size_bytes": item.size_bytes,
                "url": reverse(
                    "api:revision-file",
                    kwargs={"revision_id": revision.pk, "side": item.side, "name": item.name},
                    request=request,
                ),
            }
            for item in revision.files.all()
        ]


class DesignOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    product = serializers.CharField(source="template.slug")
    share_url = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_share_url(self, design) -> str | None:
        if not design.share_token:
            return None
        return reverse("design-shared", kwargs={"token": design.share_token}, request=self.context.get("request"))


class DesignListFilters(ListFilters):
    product = serializers.SlugField(required=False, help_text="Only designs of this product (its slug).")
    name = serializers.CharField(required=False, max_length=120, help_text="Part of the design's name.")
    updated_after = serializers.DateTimeField(required=False, help_text="Changed at or after this time (ISO 8601).")
    updated_before = serializers.DateTimeField(required=False, help_text="Changed before this time (ISO 8601).")
    lookups = {"product": "template__slug", "name": "name__icontains", "updated_after": "updated_at__gte",
               "updated_before": "updated_at__lt"}


class DesignListCreateApi(APIView):
    """Own designs; store staff pass `customer` for a customer checked in at their store (else 404)."""

    class InputSerializer(serializers.Serializer):
        product = serializers.SlugField()
        name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
        customer = serializers.IntegerField(required=False, min_value=1, max_value=INT64_MAX)

    class FilterSerializer(serializers.Serializer):
        customer = serializers.IntegerField(required=False, min_value=1, max_value=INT64_MAX)

    def get(self, request):
        query = self.FilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        if "customer" in query.validated_data:
            designs = design_list_for_customer(customer_id=query.validated_data["customer"], user=request.user)
            if staff_membership_get(user=request.user) is not None:
                staff_lookup_record(staff=request.user, customer=customer_checked_in_get(
                    customer_id=query.validated_data["customer"], user=request.user), what="designs")
            designs = DesignListFilters.apply(request=request, queryset=designs)
            return list_response(request=request, view=self, queryset=designs, serializer_class=DesignOutputSerializer)
        designs = DesignListFilters.apply(request=request, queryset=design_list_for_user(user=request.user))
        return list_response(request=request, view=self, queryset=designs, serializer_class=DesignOutputSerializer)

    @idempotent
    def post(self, request):
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        template = product_get(slug=payload.validated_data["product"])
        if "customer" in payload.validated_data:  # store staff start a design for the checked-in customer
            customer = customer_checked_in_get(customer_id=payload.validated_data["customer"], user=request.user)
            staff_lookup_record(staff=request.user, customer=customer, what="design_started")
        else:
            customer = customer_get_or_create_for_user(user=request.user)
        design = design_create(customer=customer, template=template, name=payload.validated_data["name"])
        return Response(DesignOutputSerializer(design).data, status=status.HTTP_201_CREATED)


class DesignDetailApi(APIView):
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=120, allow_blank=True)

    def get(self, request, design_id: int):
        design = design_get_for_user(design_id=design_id, user=request.user)
        if design.customer.user_id != request.user.pk and staff_membership_get(user=request.user) is not None:
            staff_lookup_record(staff=request.user, customer=design.customer, what=f"design {design.pk}")
        revisions = RevisionOutputSerializer(revision_list_for_design(design=design, user=request.user), many=True, context={"request": request})
        return Response({**DesignOutputSerializer(design, context={"request": request}).data, "revisions": revisions.data})

    def patch(self, request, design_id: int):
        design = design_get_for_user(design_id=design_id, user=request.user, for_write=True)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        design = design_rename(design=design, name=payload.validated_data["name"])
        return Response(DesignOutputSerializer(design, context={"request": request}).data)

    def delete(self, request, design_id: int):
        design_delete(design=design_get_for_user(design_id=design_id, user=request.user, for_write=True))
        return Response(status=status.HTTP_204_NO_CONTENT)


class DesignDuplicateApi(APIView):
    def post(self, request, design_id: int):
        copy = design_duplicate(design=design_get_for_user(design_id=design_id, user=request.user, for_write=True))
        return Response(DesignOutputSerializer(copy, context={"request": request}).data, status=status.HTTP_201_CREATED)


class DesignShareApi(APIView):
    """POST shares the newest finished revision (or `revision`) read-only; DELETE withdraws the link."""

    class InputSerializer(serializers.Serializer):
        revision = serializers.IntegerField(required=False, min_value=1, max_value=INT64_MAX)

    def post(self, request, design_id: int):
        design = design_get_for_user(design_id=design_id, user=request.user, for_write=True)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        revision = None
        if "revision" in payload.validated_data:
            revision = design.revisions.filter(pk=payload.validated_data["revision"]).first()
            if revision is None:
                asked = payload.validated_data["revision"]
                raise ApplicationError(_("revision %(revision)s is not a revision of this design.") % {"revision": asked},
                                       {"field": "revision", "value": asked})
        design = design_share(design=design, revision=revision)
        data = DesignOutputSerializer(design, context={"request": request}).data
        return Response({"url": data["share_url"], "revision": design.shared_revision_id, "design": data})

    def delete(self, request, design_id: int):
        design_unshare(design=design_get_for_user(design_id=design_id, user=request.user, for_write=True))
        return Response(status=status.HTTP_204_NO_CONTENT)


class QuoteApi(APIView):
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        product = serializers.SlugField()
        parameters = serializers.DictField(required=False, default=dict)
        side = serializers.CharField(required=False, default="both")

    def post(self, request):
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        product = product_get(slug=data["product"])
        return Response(quote_compute(product=product, options=data["parameters"], side=data["side"]))


class ProductModelApi(PublicCacheMixin, APIView):
    """The product on a typical foot: what the studio shows at once, before the shopper's own build."""

    permission_classes = [AllowAny]

    def get(self, request, slug: str):
        content = product_model_glb(product=product_get(slug=slug))
        response = HttpResponse(content, content_type="model/gltf-binary")
        response["Cache-Control"] = "public, max-age=3600"
        return response


class OrderListFilters(ListFilters):
    status = serializers.ChoiceField(required=False, choices=Order.Status.choices)
    design = serializers.IntegerField(required=False, min_value=1, max_value=INT64_MAX, help_text="A design's id.")
    lookups = {"design": "design_id"}


class OrderListCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        design = serializers.IntegerField(min_value=1, max_value=INT64_MAX)
        revision = serializers.IntegerField(min_value=1, max_value=INT64_MAX)
        # chosen by the client once per checkout: the same token again returns the same order (200)
        checkout_token = serializers.CharField(required=False, allow_blank=True, default="", max_length=64)

    def get(self, request):
        orders = OrderListFilters.apply(request=request, queryset=order_list_for_user(user=request.user))
        return list_response(request=request, view=self, queryset=orders, serializer_class=OrderOutputSerializer)

    @idempotent
    def post(self, request):
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        design = design_get_for_user(design_id=data["design"], user=request.user, for_write=True)
        revision = revision_get_for_user(revision_id=data["revision"], user=request.user)
        repeated = order_get_by_checkout_token(customer=design.customer, token=data["checkout_token"])
        order = order_place(design=design, revision=revision, checkout_token=data["checkout_token"],
                            actor=request.user, channel="api")
        created = repeated is None
        return Response(OrderOutputSerializer(order, context={"request": request}).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class RevisionListFilters(ListFilters):
    status = serializers.ChoiceField(required=False, choices=DesignRevision.Status.choices)


class RevisionListRequestApi(APIView):
    class InputSerializer(serializers.Serializer):
        parameters = serializers.DictField(required=False, default=dict)
        # Either inline measurements (recorded as a new typed set) or the id of a set already recorded.
        measurements = serializers.DictField(required=False)
        measurement_set = serializers.IntegerField(required=False, min_value=1, max_value=INT64_MAX)
        side = serializers.CharField(required=False, default="both")
        # Which side the shopper is looking at: built first, so its model shows soonest. Not part of the revision.
        show_first = serializers.ChoiceField(choices=["left", "right"], required=False)
        # one of measurements and measurement_set: the service refuses both or neither (with field, in Italian too)

    def get(self, request, design_id: int):
        design = design_get_for_user(design_id=design_id, user=request.user)
        revisions = RevisionListFilters.apply(request=request,
                                              queryset=revision_list_for_design(design=design, user=request.user))
        return list_response(request=request, view=self, queryset=revisions, serializer_class=RevisionOutputSerializer)

    @idempotent
    def post(self, request, design_id: int):
        design = design_get_for_user(design_id=design_id, user=request.user, for_write=True, store_work=True)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        for_customer = design.customer.user_id != request.user.pk and staff_membership_get(user=request.user) is not None
        channel = "store" if for_customer else "api" if request.auth is not None else "web"
        revision = revision_request_with_measurements(
            design=design,
            user=request.user,
            options=data["parameters"],
            measurements=data.get("measurements"),
            measurement_set_id=data.get("measurement_set"),
            side=data["side"],
            first_side=data.get("show_first"),
            requested_channel=channel,
        )
        if for_customer:
            staff_revision_record(staff=request.user, customer=design.customer, design_id=design.pk,
                                  revision_id=revision.pk)
        return Response(
            RevisionOutputSerializer(revision, context={"request": request}).data, status=status.HTTP_202_ACCEPTED
        )


class RevisionDetailApi(APIView):
    def get(self, request, revision_id: int):
        revision = revision_get_for_user(revision_id=revision_id, user=request.user)
        return Response(RevisionOutputSerializer(revision, context={"request": request}).data)


CONTENT_TYPES = {"3mf": "model/3mf", "stl": "model/stl", "glb": "model/gltf-binary", "png": "image/png"}


class RevisionFileApi(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request, revision_id: int, side: str, name: str):
        stored = revision_file_get_for_user(revision_id=revision_id, side=side, name=name, user=request.user)
        filename = f"sartoria-{stored.revision.design_id}-r{stored.revision.number}-{side}-{name}"
        return stored_file_response(
            stored.file, content_type=CONTENT_TYPES[stored.kind], as_attachment=not stored.is_preview, filename=filename
        )


class SharedRevisionFileApi(APIView):
    """A shared design's web model and previews, for anyone with the link (print files are not shared)."""

    permission_classes = [AllowAny]

    def get(self, request, token: str, revision_id: int, side: str, name: str):
        design = design_get_by_share_token(token=token)
        stored = revision_file_get_shared(design=design, revision_id=revision_id, side=side, name=name)
        return stored_file_response(stored.file, content_type=CONTENT_TYPES[stored.kind])
