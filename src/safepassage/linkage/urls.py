from django.urls import path

from safepassage.linkage import views

app_name = "linkage"
urlpatterns = [
    path("review/", views.review_queue, name="review-queue"),
    path("model/", views.model_weights, name="model"),
    path("review/<int:pair_id>/", views.review_pair, name="review-pair"),
    path("review/<int:pair_id>/confirm/", views.confirm, name="confirm"),
    path("review/<int:pair_id>/reject/", views.reject, name="reject"),
    path("review/<int:pair_id>/undo/", views.undo, name="undo"),
    path("review/<int:pair_id>/family/", views.review_family, name="review-family"),
]
