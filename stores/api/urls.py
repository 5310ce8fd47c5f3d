from django.urls import path

from stores.api import views

urlpatterns = [
    path("store/check-ins/", views.CheckInListCreateApi.as_view(), name="store-check-in-list"),
    path("store/check-ins/<int:check_in_id>/", views.CheckInDetailApi.as_view(), name="store-check-in-detail"),
    path("store/pin/", views.StaffPinApi.as_view(), name="store-pin"),
    path("store/unlock/", views.TabletUnlockApi.as_view(), name="store-unlock"),
    path("stores/", views.StoreListApi.as_view(), name="store-list"),
]
