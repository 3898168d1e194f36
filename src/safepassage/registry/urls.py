from django.urls import path

from safepassage.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("<str:reference>/", views.case_detail, name="case-detail"),
    path("<str:reference>/status/", views.change_status, name="change-status"),
    path("<str:reference>/override/", views.override_status, name="override-status"),
]
