from django.urls import path

from safepassage.airlift import views

app_name = "airlift"
urlpatterns = [
    path("", views.flight_list, name="flight-list"),
    path("plan/", views.plan, name="plan"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan-detail"),
    path("flights/<int:flight_id>/", views.flight_detail, name="flight-detail"),
    path("flights/<int:flight_id>/cancel/", views.cancel, name="cancel"),
    path("flights/<int:flight_id>/delay/", views.delay, name="delay"),
    path("flights/<int:flight_id>/seats/", views.seats, name="seats"),
    path("flights/<int:flight_id>/status/", views.flight_status, name="flight-status"),
    path("flights/<int:flight_id>/landed/", views.landed, name="landed"),
    path("flights/<int:flight_id>/assign/", views.assign_seat, name="assign-seat"),
    path("flights/<int:flight_id>/boarding-passes/", views.boarding_passes,
         name="boarding-passes"),
    path("flights/<int:flight_id>/manifest.csv", views.manifest_csv, name="manifest-csv"),
    path("flights/<int:flight_id>/manifest.pdf", views.manifest_pdf, name="manifest-pdf"),
    path("flights/<int:flight_id>/paxlst.edi", views.manifest_paxlst, name="manifest-paxlst"),
    path("cases/<str:reference>/readiness/", views.readiness, name="readiness"),
    path("readiness/", views.readiness_list, name="readiness-list"),
    path("gate/", views.gate_index, name="gate-index"),
    path("gate/<int:flight_id>/", views.gate, name="gate"),
    path("gate/<int:flight_id>/record/", views.gate_record, name="gate-record"),
    path("gate/jsQR.js", views.gate_qr_decoder, name="gate-qr-decoder"),
    path("gate/<int:flight_id>/check/", views.gate_check, name="gate-check"),
    path("gate/<int:flight_id>/mark/", views.gate_mark, name="gate-mark"),
    path("gate/<int:flight_id>/undo/", views.gate_undo, name="gate-undo"),
    path("gate/<int:flight_id>/standby/", views.standby_fill, name="standby-fill"),
]
