from django.urls import path

from safepassage.messaging import inbox_views, views

app_name = "messaging"
urlpatterns = [
    path("broadcasts/", views.broadcast_list, name="broadcast-list"),
    path("broadcasts/new/", views.broadcast_new, name="broadcast-new"),
    path("inbound/sms/", views.inbound_sms, name="inbound-sms"),
    path("inbox/", inbox_views.inbox_list, name="inbox"),
    path("inbox/<int:conversation_id>/", inbox_views.conversation_detail, name="conversation"),
    path("inbox/<int:conversation_id>/assign/", inbox_views.conversation_assign,
         name="conversation-assign"),
    path("inbox/<int:conversation_id>/answer/", inbox_views.conversation_answer,
         name="conversation-answer"),
    path("inbox/<int:conversation_id>/done/", inbox_views.conversation_done,
         name="conversation-done"),
]
