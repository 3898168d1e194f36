from django.urls import path

from safepassage.messaging import views, webhooks

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
]
