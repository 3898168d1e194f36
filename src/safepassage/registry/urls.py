from django.urls import path

from safepassage.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("<str:reference>/", views.case_detail, name="case-detail"),
    path("<str:reference>/status/", views.change_status, name="change-status"),
    path("<str:reference>/override/", views.override_status, name="override-status"),
    path("<str:reference>/people/add/", views.add_member, name="add-member"),
    path("<str:reference>/people/<int:person_id>/correct/", views.correct_person,
         name="correct-person"),
    path("<str:reference>/people/<int:person_id>/confirm-latin-name/", views.confirm_latin_name,
         name="confirm-latin-name"),
    path("<str:reference>/people/<int:person_id>/move/", views.move_or_remove_member,
         name="move-member"),
]
