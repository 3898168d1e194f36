from django.urls import path

from safepassage.engagements import views

app_name = "engagements"
urlpatterns = [
    path("", views.meeting_list, name="meeting-list"),
    path("new/", views.new_meeting, name="new-meeting"),
    path("<int:pk>/", views.meeting_detail, name="meeting"),
    path("subjects/<int:pk>/", views.subject_timeline, name="subject"),
    path("follow-ups/<int:pk>/done/", views.follow_up_done, name="follow-up-done"),
]
