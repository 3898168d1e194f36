"""The project's URLs and the benchmark's reference view (bench.intake.settings only)."""

from django.urls import path

from bench.intake.reference import accept_raw
from safepassage.urls import handler400, handler403, handler404, handler500, urlpatterns

urlpatterns = [path("bench/reference/", accept_raw), *urlpatterns]
__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
