from django.urls import path

from customers.api import estimates, views

urlpatterns = [
    path("me/", views.MeApi.as_view(), name="me"),
    path("me/export/", views.MeExportApi.as_view(), name="me-export"),
    path("me/erase/", views.MeEraseApi.as_view(), name="me-erase"),
    path("scans/", views.ScanListCreateApi.as_view(), name="scan-list"),
    path("scans/<int:scan_id>/", views.ScanDetailApi.as_view(), name="scan-detail"),
    path(
        "measurement-sets/<int:measurement_set_id>/foot/<str:side>.glb",
        views.MeasurementSetFootApi.as_view(),
        name="measurement-set-foot",
    ),
    path("measurement-sets/", views.MeasurementSetListCreateApi.as_view(), name="measurement-set-list"),
    path("measurement-sets/estimate/", estimates.MeasurementSetEstimateApi.as_view(), name="measurement-set-estimate"),
    path(
        "measurement-sets/<int:measurement_set_id>/",
        views.MeasurementSetDetailApi.as_view(),
        name="measurement-set-detail",
    ),
]
