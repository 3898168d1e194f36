from django.urls import path

from safepassage.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("welcome/<str:uidb64>/<str:token>/", views.welcome, name="welcome"),
    path("enrol/", views.enrol, name="enrol"),
    path("staff/", views.staff_list, name="staff-list"),
    path("staff/new/", views.staff_new, name="staff-new"),
    path("staff/<int:user_id>/", views.staff_detail, name="staff-detail"),
]
