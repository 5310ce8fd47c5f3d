from django.urls import path

from configurator.api import views

urlpatterns = [
    path("products/", views.ProductListApi.as_view(), name="product-list"),
    path("products/<slug:slug>/", views.ProductDetailApi.as_view(), name="product-detail"),
    path("designs/", views.DesignListCreateApi.as_view(), name="design-list"),
    path("designs/<int:design_id>/", views.DesignDetailApi.as_view(), name="design-detail"),
    path("designs/<int:design_id>/revisions/", views.RevisionListRequestApi.as_view(), name="revision-list"),
    path("revisions/<int:revision_id>/", views.RevisionDetailApi.as_view(), name="revision-detail"),
    path(
        "revisions/<int:revision_id>/files/<str:side>/<str:name>",
        views.RevisionFileApi.as_view(),
        name="revision-file",
    ),
]
