"""The store API: check customers in and out, the tablet PIN and unlock, and the public store finder."""
from django.utils.translation import gettext as _
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from config.exceptions import ApplicationError
from config.ratelimits import attempts_limited
from platform_api.pagination import list_response
from stores.selectors import (
    check_in_get_for_staff,
    check_in_list_for_staff,
    city_coordinates_get,
    staff_membership_get,
    store_list_by_distance,
)
from stores.services import (
    check_in_by_identity,
    check_in_end,
    not_found_message,
    staff_pin_set,
    staff_unlock_check,
)

IDENTITY_FIELDS = ("loyalty_card", "email", "qr")


class IsStoreStaff(BasePermission):
    """Members of a store (associate or manager); everyone else gets a 403."""

    def has_permission(self, request, view) -> bool:
        return staff_membership_get(user=request.user) is not None


class CheckInOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    customer = serializers.SerializerMethodField()
    store = serializers.SerializerMethodField()
    method = serializers.CharField()
    started_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()

    def get_customer(self, check_in) -> dict:
        return {"id": check_in.customer_id, "name": str(check_in.customer)}

    def get_store(self, check_in) -> dict:
        return {"id": check_in.store_id, "name": check_in.store.name}


class CheckInListCreateApi(APIView):
    permission_classes = [IsStoreStaff]

    class InputSerializer(serializers.Serializer):
        loyalty_card = serializers.CharField(max_length=64, required=False, allow_blank=True, trim_whitespace=True)
        email = serializers.CharField(max_length=254, required=False, allow_blank=True, trim_whitespace=True)
        qr = serializers.CharField(max_length=1000, required=False, allow_blank=True, trim_whitespace=True)

        def validate(self, data):
            given = [name for name in IDENTITY_FIELDS if data.get(name)]
            if len(given) != 1:
                raise ApplicationError(
                    _("Send exactly one of loyalty_card, email or qr."),
                    {"field": "loyalty_card", "value": given, "allowed": "one of loyalty_card, email, qr"},
                )
            return data

    def get(self, request):
        return list_response(request=request, view=self, queryset=check_in_list_for_staff(user=request.user),
                             serializer_class=CheckInOutputSerializer)

    @attempts_limited("checkin")
    def post(self, request):
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            check_in = check_in_by_identity(
                staff=request.user, loyalty_card=data.get("loyalty_card", ""), email=data.get("email", ""),
                qr=data.get("qr", ""),
            )
        except Exception as error:  # Http404 of any origin: one plain answer, whatever was missing
            from django.http import Http404

            if isinstance(error, Http404):
                raise NotFound(not_found_message()) from None
            raise
        return Response(CheckInOutputSerializer(check_in).data, status=status.HTTP_201_CREATED)


class CheckInDetailApi(APIView):
    permission_classes = [IsStoreStaff]

    def get(self, request, check_in_id: int):
        return Response(CheckInOutputSerializer(check_in_get_for_staff(check_in_id=check_in_id, user=request.user)).data)

    def delete(self, request, check_in_id: int):
        check_in_end(check_in=check_in_get_for_staff(check_in_id=check_in_id, user=request.user), staff=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class StaffPinApi(APIView):
    """The staff member sets their own tablet unlock PIN (4 to 8 digits)."""

    permission_classes = [IsStoreStaff]

    class InputSerializer(serializers.Serializer):
        pin = serializers.CharField(max_length=8, trim_whitespace=True)

    def put(self, request):
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        staff_pin_set(user=request.user, pin=payload.validated_data["pin"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class TabletUnlockApi(APIView):
    """Unlock the idle tablet with the password or PIN of the staff member signed in on it."""

    permission_classes = [IsStoreStaff]

    class InputSerializer(serializers.Serializer):
        secret = serializers.CharField(max_length=200, trim_whitespace=False)

    @attempts_limited("login")
    def post(self, request):
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        if not staff_unlock_check(user=request.user, secret=payload.validated_data["secret"]):
            raise PermissionDenied(_("That is not your password or PIN."))
        return Response({"unlocked": True})


class StoreOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    address = serializers.CharField()
    city = serializers.CharField()
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    opening_hours = serializers.JSONField()


class StoreListApi(APIView):
    """Public: stores nearest first from ?latitude=&longitude= or ?city= (an Italian city), else by name."""

    permission_classes = [AllowAny]
    authentication_classes = []

    class InputSerializer(serializers.Serializer):
        latitude = serializers.FloatField(required=False, min_value=-90, max_value=90)
        longitude = serializers.FloatField(required=False, min_value=-180, max_value=180)
        city = serializers.CharField(required=False, max_length=100, allow_blank=True)

    def get(self, request):
        payload = self.InputSerializer(data=request.query_params)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if data.get("city"):
            found = city_coordinates_get(city=data["city"])
            if found is None:
                raise ApplicationError(_("%(city)s is not a city we know; try a nearby larger city.") % {"city": data["city"]},
                                       {"field": "city", "value": data["city"]})
            latitude, longitude = found
        ranked = store_list_by_distance(latitude=latitude, longitude=longitude)
        return Response([
            {**StoreOutputSerializer(store).data, "distance_km": None if distance is None else round(distance, 1)}
            for store, distance in ranked
        ])
