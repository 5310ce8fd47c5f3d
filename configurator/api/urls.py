from django.urls import path

from configurator.api import orders, views

urlpatterns = [
    path("products/", views.ProductListApi.as_view(), name="product-list"),
    path("products/<slug:slug>/", views.ProductDetailApi.as_view(), name="product-detail"),
    path("products/<slug:slug>/model.glb", views.ProductModelApi.as_view(), name="product-model"),
    path("quote/", views.QuoteApi.as_view(), name="quote"),
    path("orders/", views.OrderListCreateApi.as_view(), name="order-list"),
    path("orders/<int:order_id>/", orders.OrderDetailApi.as_view(), name="order-detail"),
    path("orders/<int:order_id>/pay/", orders.OrderPayApi.as_view(), name="order-pay"),
    path("orders/<int:order_id>/cancel/", orders.OrderCancelApi.as_view(), name="order-cancel"),
    path("orders/<int:order_id>/status/", orders.OrderStatusApi.as_view(), name="order-status"),
    path("designs/<int:design_id>/duplicate/", views.DesignDuplicateApi.as_view(), name="design-duplicate"),
    path("designs/<int:design_id>/share/", views.DesignShareApi.as_view(), name="design-share"),
    path(
        "shared/<str:token>/revisions/<int:revision_id>/files/<str:side>/<str:name>",
        views.SharedRevisionFileApi.as_view(),
        name="shared-revision-file",
    ),
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
