from django.urls import path

from production.api import views

urlpatterns = [
    path("production/queue/", views.PrintQueueApi.as_view(), name="print-queue"),
    path("production/exports/", views.PrintExportApi.as_view(), name="print-export"),
]
