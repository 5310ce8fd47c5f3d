from django.http import HttpResponse
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from configurator.selectors import revision_list_done
from customers.selectors import user_can_export_print_files
from production.services import print_files_export


class CanExportPrintFiles(BasePermission):
    message = "Only the production team can export print files."

    def has_permission(self, request, view) -> bool:
        return user_can_export_print_files(request.user)


class PrintQueueApi(APIView):
    """Finished revisions that production can export, newest first."""

    permission_classes = [CanExportPrintFiles]

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        design = serializers.IntegerField(source="design_id")
        design_name = serializers.CharField(source="design.name")
        product = serializers.CharField(source="design.template.slug")
        customer = serializers.IntegerField(source="design.customer_id")
        number = serializers.IntegerField()
        sides = serializers.JSONField()
        finished_at = serializers.DateTimeField()

    def get(self, request):
        return Response(self.OutputSerializer(revision_list_done()[:500], many=True).data)


class PrintExportApi(APIView):
    permission_classes = [CanExportPrintFiles]

    class InputSerializer(serializers.Serializer):
        revision_ids = serializers.ListField(child=serializers.IntegerField(min_value=1), allow_empty=False)

    def post(self, request):
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        content, export = print_files_export(revision_ids=payload.validated_data["revision_ids"], user=request.user)
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="sartoria-print-batch-{export.pk}.zip"'
        response["X-Content-SHA256"] = export.sha256
        return response
