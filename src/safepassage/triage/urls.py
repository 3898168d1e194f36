from django.urls import path

from safepassage.triage import views

app_name = "triage"
urlpatterns = [
    path("", views.rules_home, name="rules"),
    path("rescore/", views.rescore, name="rescore"),
    path("import/", views.import_yaml, name="import"),
    path("rule-sets/<int:pk>/", views.rule_set_detail, name="rule-set"),
    path("rule-sets/<int:pk>/draft/", views.start_draft, name="start-draft"),
    path("rule-sets/<int:pk>/publish/", views.publish, name="publish"),
    path("rule-sets/<int:pk>/activate/", views.activate, name="activate"),
    path("rule-sets/<int:pk>/rules.yaml", views.export_yaml, name="export"),
    path("cases/<str:reference>/circumstances/", views.circumstance, name="circumstance"),
    path("cases/<str:reference>/override/", views.override, name="override"),
]
