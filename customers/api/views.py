from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from customers.models import MeasurementSet
from customers.selectors import (
    customer_for_user_get,
    measurement_set_feet,
    measurement_set_get_for_user,
    measurement_set_list,
)
from customers.services import customer_get_or_create_for_user, measurement_set_record


class MeasurementSetOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    source = serializers.CharField()
    measured_at = serializers.DateTimeField()
    measurements = serializers.SerializerMethodField()

    def get_measurements(self, measurement_set) -> dict:
        return measurement_set_feet(measurement_set=measurement_set)


class MeasurementSetListCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        measurements = serializers.DictField()  # not JSONField: it rejects NaN before we can name the field
        source = serializers.ChoiceField(choices=MeasurementSet.Source.choices, default=MeasurementSet.Source.TYPED)

    def get(self, request):
        sets = measurement_set_list(customer=customer_for_user_get(user=request.user))
        return Response(MeasurementSetOutputSerializer(sets, many=True).data)

    def post(self, request):
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        customer = customer_get_or_create_for_user(user=request.user)
        measurement_set = measurement_set_record(
            customer=customer, feet=payload.validated_data["measurements"], source=payload.validated_data["source"]
        )
        return Response(MeasurementSetOutputSerializer(measurement_set).data, status=status.HTTP_201_CREATED)


class MeasurementSetDetailApi(APIView):
    def get(self, request, measurement_set_id: int):
        measurement_set = measurement_set_get_for_user(measurement_set_id=measurement_set_id, user=request.user)
        return Response(MeasurementSetOutputSerializer(measurement_set).data)
