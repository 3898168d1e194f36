from csp.decorators import csp_update
from django.urls import path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from safepassage.intake import api, views

_DOCS_POLICY = csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["blob:"]})

app_name = "intake"
urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/received/", views.registered, name="registered"),
    path("status/", views.status, name="status"),
    path("intake/imports/", views.import_list, name="import-list"),
    path("intake/submissions/", views.submissions, name="submissions"),
    path("intake/imports/<int:batch_id>/", views.import_detail, name="import-detail"),
    path("intake/imports/<int:batch_id>/mapping/", views.import_mapping, name="import-mapping"),
    path("intake/imports/<int:batch_id>/report.csv", views.import_report, name="import-report"),
    path("api/v1/registrations/", api.referral_list_or_register, name="api-registrations"),
    path("api/v1/registrations/batch/", api.register_batch, name="api-batch"),
    path("api/v1/registrations/<str:reference>/", api.referral_detail, name="api-referral"),
    path("api/v1/submissions/<uuid:public_id>/", api.submission_detail, name="api-submission"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI with its start-up script served apart, as the Content-Security-Policy wants.
    # Both documentation pages style themselves inline (scripts stay our own files only), and
    # Redoc parses in a worker of its own; they show the schema, never a person.
    path("api/docs/", _DOCS_POLICY(SpectacularSwaggerSplitView.as_view(
        url_name="intake:api-schema")), name="api-docs"),
    path("api/docs/redoc/", _DOCS_POLICY(SpectacularRedocView.as_view(
        url_name="intake:api-schema")), name="api-redoc"),
]
