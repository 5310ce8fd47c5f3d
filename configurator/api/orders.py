"""Order API: one order, its delivery, payment by staff, cancelling. The list and placing live in views.py."""
from __future__ import annotations

from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from config.exceptions import ApplicationError
from config.parsers import INT64_MAX
from configurator.models import Order
from configurator.selectors import order_events, order_get_for_user, order_price_lines
from configurator.services import (
    ORDER_TRANSITIONS,
    order_cancel,
    order_delivery_set,
    order_status_allowed,
    order_status_set,
)


class OrderEventOutputSerializer(serializers.Serializer):
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    at = serializers.DateTimeField()
    note = serializers.CharField()
    actor = serializers.SerializerMethodField()

    def get_actor(self, event) -> str:
        """A role, not a person's name: the customer reads who changed their order."""
        actor = event.actor
        if actor is None:
            return "system"
        if actor.pk == event.order.customer.user_id:
            return "customer"
        return "staff"


class OrderOutputSerializer(serializers.ModelSerializer):
    product = serializers.CharField(source="design.template.name")
    design_name = serializers.CharField(source="design.__str__")
    revision_number = serializers.IntegerField(source="revision.number")
    status_label = serializers.CharField(source="get_status_display")
    lines = serializers.SerializerMethodField()
    delivery = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    next_statuses = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = [
            "id", "design", "revision", "revision_number", "product", "design_name", "status", "status_label",
            "price", "currency", "lines", "delivery_earliest", "delivery_latest", "delivery", "language",
            "checkout_token", "paid_at", "cancelled_at", "created_at", "events", "next_statuses",
        ]

    def get_lines(self, order: Order) -> list[dict]:
        return order_price_lines(order=order)

    def get_delivery(self, order: Order) -> dict:
        address = None
        if order.delivery_method == Order.Delivery.SHIP:
            address = {key: getattr(order, f"delivery_{key}")
                       for key in ("name", "line1", "line2", "postcode", "city", "country", "phone")}
        store = None
        if order.pickup_store_id:
            store = {"id": order.pickup_store_id, "name": order.pickup_store.name,
                     "address": order.pickup_store.address, "city": order.pickup_store.city}
        return {"method": order.delivery_method, "address": address, "store": store}

    def get_events(self, order: Order) -> list[dict]:
        return OrderEventOutputSerializer(order_events(order=order), many=True).data

    def get_next_statuses(self, order: Order) -> list[str]:
        """The statuses the requesting user may move this order to now."""
        request = self.context.get("request")
        if request is None:
            return []
        return [target for target in ORDER_TRANSITIONS[order.status]
                if order_status_allowed(order=order, status=target, actor=request.user)]


class OrderDetailApi(APIView):
    """GET one order; PATCH its delivery (address or pick-up store) until production starts."""

    class DeliveryInputSerializer(serializers.Serializer):
        method = serializers.ChoiceField(choices=[Order.Delivery.SHIP, Order.Delivery.PICKUP])
        name = serializers.CharField(required=False, allow_blank=True, max_length=200)
        line1 = serializers.CharField(required=False, allow_blank=True, max_length=200)
        line2 = serializers.CharField(required=False, allow_blank=True, max_length=200)
        postcode = serializers.CharField(required=False, allow_blank=True, max_length=20)
        city = serializers.CharField(required=False, allow_blank=True, max_length=100)
        country = serializers.CharField(required=False, allow_blank=True, max_length=2)
        phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
        store = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=INT64_MAX)

    def get(self, request, order_id: int):
        order = order_get_for_user(order_id=order_id, user=request.user)
        return Response(OrderOutputSerializer(order, context={"request": request}).data)

    def patch(self, request, order_id: int):
        order = order_get_for_user(order_id=order_id, user=request.user)
        payload = self.DeliveryInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        store = None
        if data["method"] == Order.Delivery.PICKUP:
            store = pickup_store_get(store_id=data.get("store"))
        order = order_delivery_set(order=order, actor=request.user, method=data["method"], address=data, store=store)
        return Response(OrderOutputSerializer(order, context={"request": request}).data)


def pickup_store_get(*, store_id: int | None):
    """An active store from the stores app, or a 400 naming the field."""
    from django.utils.translation import gettext as _

    from stores.selectors import store_list

    store = store_list().filter(pk=store_id).first() if store_id else None
    if store is None:
        raise ApplicationError(
            _("Choose one of our stores for the pick-up."),
            {"field": "store", "value": store_id, "allowed": [s.pk for s in store_list()]},
        )
    return store


class OrderStatusInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class OrderPayApi(APIView):
    """Production or an admin records a payment made outside the web checkout (at the till, by transfer)."""

    def post(self, request, order_id: int):
        order = order_get_for_user(order_id=order_id, user=request.user)
        payload = OrderStatusInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        order = order_status_set(order=order, status=Order.Status.PAID, actor=request.user,
                                 note=payload.validated_data["note"])
        return Response(OrderOutputSerializer(order, context={"request": request}).data)


class OrderCancelApi(APIView):
    """The customer (or staff) cancels an order that is not in production yet."""

    def post(self, request, order_id: int):
        order = order_get_for_user(order_id=order_id, user=request.user)
        payload = OrderStatusInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        order = order_cancel(order=order, actor=request.user, note=payload.validated_data["note"])
        return Response(OrderOutputSerializer(order, context={"request": request}).data)


class OrderStatusApi(APIView):
    """Staff move an order along its lifecycle: {"status": "printed", "note": "..."}."""

    class InputSerializer(OrderStatusInputSerializer):
        status = serializers.ChoiceField(choices=Order.Status.choices)

    def post(self, request, order_id: int):
        order = order_get_for_user(order_id=order_id, user=request.user)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        order = order_status_set(order=order, status=payload.validated_data["status"], actor=request.user,
                                 note=payload.validated_data["note"])
        return Response(OrderOutputSerializer(order, context={"request": request}).data)
