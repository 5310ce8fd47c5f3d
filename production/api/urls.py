from django.urls import path

from production.api import views

urlpatterns = [
    path("production/queue/", views.PrintQueueApi.as_view(), name="print-queue"),
    path("production/exports/", views.PrintExportApi.as_view(), name="print-export"),
    path("production/jobs/", views.PrintJobListApi.as_view(), name="print-job-list"),
    path("production/jobs/<int:job_id>/state/", views.PrintJobStateApi.as_view(), name="print-job-state"),
    path("production/plates/", views.PlateListApi.as_view(), name="plate-list"),
    path("production/plates/<int:plate_id>/state/", views.PlateStateApi.as_view(), name="plate-state"),
    path("production/plan/", views.FarmPlanApi.as_view(), name="farm-plan"),
    path("production/plate-exports/", views.PlateExportListApi.as_view(), name="plate-export-list"),
    path("production/plate-exports/<int:export_id>/", views.PlateExportDetailApi.as_view(),
         name="plate-export-detail"),
    path("production/plate-exports/<int:export_id>/download/", views.PlateExportDownloadApi.as_view(),
         name="plate-export-download"),
]
