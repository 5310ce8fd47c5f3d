from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView
from django.views.i18n import JavaScriptCatalog

from config.tokens import TokenApi
from platform_api.views import ApiDocsPage, ApiSchemaApi
from configurator import checkout_views as checkout_pages
from configurator import views as pages
from customers import views as account_pages
from production import views as production_pages
from stores import views as store_pages

api_patterns = [
    path("", include("configurator.api.urls")),
    path("", include("customers.api.urls")),
    path("", include("production.api.urls")),
    path("", include("stores.api.urls")),
    path("auth/token/", TokenApi.as_view(), name="auth-token"),
]

# an unknown /api/ address answers JSON (platform_api.views.not_found); pages keep the HTML page
handler404 = "platform_api.views.not_found"

urlpatterns = [
    path("", pages.home, name="home"),
    path("configure/<slug:slug>/", pages.configure, name="configure"),
    path("designs/", pages.design_list, name="design-list"),
    path("designs/<int:design_id>/", pages.design_detail, name="design-detail"),
    path("checkout/<int:design_id>/", checkout_pages.checkout, name="checkout"),
    path("orders/<int:order_id>/", checkout_pages.order_detail, name="order-detail"),
    path("orders/<int:order_id>/pay/", checkout_pages.order_pay_page, name="order-pay-page"),
    path("orders/<int:order_id>/cancel/", checkout_pages.order_cancel_page, name="order-cancel-page"),
    path("production/", production_pages.production_queue, name="production-queue"),
    path("production/plan/", production_pages.production_plan, name="production-plan"),
    path("production/plates/export/", production_pages.production_plates_export, name="production-plates-export"),
    path("production/plates/<int:plate_id>/state/", production_pages.production_plate_state,
         name="production-plate-state"),
    path("production/jobs/<int:job_id>/state/", production_pages.production_job_state, name="production-job-state"),
    path("production/revisions/export/", production_pages.production_revisions_export,
         name="production-revisions-export"),
    path("healthz", pages.healthz, name="healthz"),
    path("favicon.ico", pages.favicon, name="favicon"),
    path("s/<str:token>/", pages.design_shared, name="design-shared"),
    path("measuring/", TemplateView.as_view(template_name="configurator/measuring.html"), name="measuring-guide"),
    path("profile/", account_pages.profile, name="profile"),
    path("profile/scans/", account_pages.profile_scan_upload, name="profile-scan-upload"),
    path("profile/card/", account_pages.loyalty_card, name="loyalty-card"),
    path("profile/card/qr.svg", account_pages.loyalty_card_qr, name="loyalty-card-qr"),
    path("profile/card/email/", account_pages.loyalty_card_email, name="loyalty-card-email"),
    path("profile/consent/", account_pages.profile_consent, name="profile-consent"),
    path("profile/export/", account_pages.profile_export, name="profile-export"),
    path("profile/erase/", account_pages.profile_erase, name="profile-erase"),
    path("accounts/confirm-email/<str:token>/", account_pages.email_confirm_page, name="email-confirm"),
    path("customers/duplicates/", account_pages.duplicates, name="duplicates"),
    path("customers/duplicates/<int:suggestion_id>/", account_pages.duplicate_compare, name="duplicate-compare"),
    path("customers/merges/<int:merge_id>/undo/", account_pages.merge_undo, name="merge-undo"),
    path("store/", store_pages.store_desk, name="store-desk"),
    path("store/card/", store_pages.store_card, name="store-card"),
    path("stores/", store_pages.store_finder, name="store-finder"),
    path("accounts/signup/", account_pages.sign_up, name="signup"),
    path("accounts/guest/", account_pages.guest_begin, name="guest"),
    path("accounts/login/", account_pages.AccountLoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/schema/", ApiSchemaApi.as_view(), name="api-schema"),
    path("api/docs/", ApiDocsPage.as_view(), name="api-docs"),
    # One set of views under two prefixes: /api/v1/ (versioned, paginated lists; what the schema documents) and
    # today's /api/ (lists stay plain arrays for the studio and existing clients). reverse("api:...") is the legacy.
    path("api/v1/", include((api_patterns, "api"), namespace="v1")),
    path("api/", include((api_patterns, "api"))),
    path("admin/", admin.site.urls),
]
