from django.urls import path

from safepassage.messaging import views

app_name = "messaging"
urlpatterns = [
    path("broadcasts/", views.broadcast_list, name="broadcast-list"),
    path("broadcasts/new/", views.broadcast_new, name="broadcast-new"),
    path("inbound/sms/", views.inbound_sms, name="inbound-sms"),
]
