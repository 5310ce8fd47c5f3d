"""POST /api/measurement-sets/estimate/: the six measurements of both feet estimated from a shoe size."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from customers.api.views import MeasurementSetOutputSerializer
from customers.services import customer_get_or_create_for_user
from customers.services.estimates import measurement_set_estimate
from geometry import size_estimate


class MeasurementSetEstimateApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        system = serializers.ChoiceField(choices=size_estimate.SYSTEMS, help_text=_("eu, uk, us_men or us_women"))
        size = serializers.FloatField(help_text=_("The size in that system: EU whole sizes, UK and US half sizes"))
        fitting = serializers.ChoiceField(choices=tuple(size_estimate.FITTING_CENTRE_STEPS), default="standard",
                                          help_text=_("Width fitting: narrow, standard, wide or extra_wide"))

    def post(self, request):
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        measurement_set = measurement_set_estimate(
            customer=customer_get_or_create_for_user(user=request.user), actor=request.user, **payload.validated_data)
        return Response(MeasurementSetOutputSerializer(measurement_set).data, status=status.HTTP_201_CREATED)
