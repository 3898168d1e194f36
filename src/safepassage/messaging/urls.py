from django.urls import path

from safepassage.messaging import inbox_views, views, webhooks

app_name = "messaging"
urlpatterns = [
    path("broadcasts/", views.broadcast_list, name="broadcast-list"),
    path("broadcasts/new/", views.broadcast_new, name="broadcast-new"),
    path("inbound/sms/", views.inbound_sms, name="inbound-sms"),
    path("webhooks/whatsapp/", webhooks.whatsapp, name="webhook-whatsapp"),
    path("webhooks/twilio/<slug:kind>/", webhooks.twilio, name="webhook-twilio"),
    path("webhooks/rapidpro/<slug:kind>/", webhooks.rapidpro, name="webhook-rapidpro"),
    path("webhooks/email/<slug:kind>/", webhooks.email, name="webhook-email"),
    path("webhooks/telegram/", webhooks.telegram, name="webhook-telegram"),
    path("inbox/", inbox_views.inbox_list, name="inbox"),
    path("inbox/<int:conversation_id>/", inbox_views.conversation_detail, name="conversation"),
    path("inbox/<int:conversation_id>/assign/", inbox_views.conversation_assign,
         name="conversation-assign"),
    path("inbox/<int:conversation_id>/answer/", inbox_views.conversation_answer,
         name="conversation-answer"),
    path("inbox/<int:conversation_id>/done/", inbox_views.conversation_done,
         name="conversation-done"),
]
