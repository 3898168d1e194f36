from django.urls import path

from safepassage.resettlement import views

app_name = "resettlement"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("setup/", views.setup, name="setup"),
    path("outcome-model/", views.outcome_model, name="outcome-model"),
    path("batches/run/", views.run_batch, name="run-batch"),
    path("flights/<int:flight_id>/", views.reconciliation, name="flight"),
    path("flights/<int:flight_id>/land/", views.land, name="land"),
    path("flights/<int:flight_id>/capacity-before-travel/", views.capacity_before_travel,
         name="capacity-before-travel"),
    path("arrivals/<int:record_id>/", views.record_arrival, name="record-arrival"),
    path("arrivals/<int:record_id>/decision/", views.decide, name="decide"),
    path("cases/<str:reference>/", views.case_file, name="case"),
    path("cases/<str:reference>/check-in/", views.check_in, name="check-in"),
    path("stays/<int:stay_id>/check-out/", views.check_out, name="check-out"),
    path("cases/<str:reference>/place/", views.override, name="override"),
    path("milestones/<int:milestone_id>/done/", views.milestone_done, name="milestone-done"),
    path("host/", views.host, name="host"),
    path("host/offers/<int:offer_id>/", views.answer, name="answer"),
    path("host/places/<int:place_id>/hold/", views.hold, name="hold"),
]
