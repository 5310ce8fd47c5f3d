from django.urls import path

from customers.api import views

urlpatterns = [
    path("measurement-sets/", views.MeasurementSetListCreateApi.as_view(), name="measurement-set-list"),
    path(
        "measurement-sets/<int:measurement_set_id>/",
        views.MeasurementSetDetailApi.as_view(),
        name="measurement-set-detail",
    ),
]
