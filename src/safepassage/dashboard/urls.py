from django.urls import path

from safepassage.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("csv/<slug:chart>.csv", views.export_csv, name="csv"),
    path("commitments/new/", views.new_commitment, name="new-commitment"),
    path("situation-report.pdf", views.situation_report, name="sitrep"),
]
