"""URL map: the public pages, the staff pages and the partner API.

URLs carry references and ids only, never a name, phone or document number.
"""

from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from safepassage.intake import views as intake_views

# The Django admin serves administrators only, and only after the second factor.
admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("", intake_views.welcome, name="home"),  # the public's choices; staff go to their home
    path("accounts/", include("safepassage.accounts.urls")),
    path("oidc/", include("mozilla_django_oidc.urls")),  # single sign-on, when configured
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the staff pages' language
    path("cases/", include("safepassage.registry.urls")),
    path("linkage/", include("safepassage.linkage.urls")),
    path("triage/", include("safepassage.triage.urls")),
    path("", include("safepassage.credentials.urls")),
    path("dashboard/", include("safepassage.dashboard.urls")),
    path("engagements/", include("safepassage.engagements.urls")),
    path("messaging/", include("safepassage.messaging.urls")),

    path("airlift/", include("safepassage.airlift.urls")),
    path("audit/", include("safepassage.audit.urls")),
    path("resettlement/", include("safepassage.resettlement.urls")),
    path("admin/", admin.site.urls),
    path("", include("safepassage.operations.urls")),
    path("", include("safepassage.intake.urls")),
]

# Errors under /api/ answer problem documents (RFC 9457), as the API's own errors do.
handler400 = "safepassage.service_errors.bad_request"
handler403 = "safepassage.service_errors.permission_denied"
handler404 = "safepassage.service_errors.page_not_found"
handler500 = "safepassage.service_errors.server_error"
