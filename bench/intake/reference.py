"""The reference of the intake benchmark: a bare Django view on the same gunicorn and the same
PostgreSQL that stores the raw body in one INSERT and answers 202. The ratio of the real path to
it says how close accepting a registration comes to what this machine can do with Django."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

TABLE = "bench_reference_submission"


@csrf_exempt
def accept_raw(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (body) VALUES (%s)",
                       [request.body.decode("utf-8", "replace")])
    return HttpResponse(status=202)
