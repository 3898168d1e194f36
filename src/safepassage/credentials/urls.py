from django.urls import path

from safepassage.credentials import views

app_name = "credentials"

urlpatterns = [
    path("credentials/cases/<str:reference>/letter/", views.issue_letter, name="issue-letter"),
    path("credentials/cases/<str:reference>/boarding-pass/", views.issue_boarding_pass,
         name="issue-boarding-pass"),
    path("credentials/<str:token_id>/pdf/", views.download_pdf, name="download-pdf"),
    path("verify/", views.verifier, name="verifier"),
]
