"""The operator's monitoring: /healthz, /readyz, /metrics, open to a token or the local network."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from prometheus_client.parser import text_string_to_metric_families

from safepassage.accounts.models import Role
from safepassage.dashboard.tasks import refresh_dashboard
from safepassage.linkage.models import CandidatePair
from safepassage.messaging.models import Message
from safepassage.registry.models import Case
from safepassage.runner.models import Worker
from safepassage.runner.services import register_worker

LOCAL = {"REMOTE_ADDR": "127.0.0.1"}
INTERNET = {"REMOTE_ADDR": "203.0.113.9"}


def scrape(client: Client) -> dict[str, list[tuple[dict[str, str], float]]]:
    response = client.get("/metrics", **LOCAL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    samples: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append((sample.labels, sample.value))
    return samples


@pytest.mark.django_db
def test_it_answers_the_local_network_and_hides_from_the_internet():
    client = Client()

    for path in ("/healthz", "/readyz", "/metrics"):
        assert client.get(path, **LOCAL).status_code in {200, 503}, path  # 503: no worker yet
        assert client.get(path, **INTERNET).status_code == 404, path


@pytest.mark.django_db
@override_settings(OPERATIONS_TOKEN="s3cret-operations-token")
def test_the_operations_token_opens_the_endpoints_from_anywhere():
    client = Client()

    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-operations-token",
                      **INTERNET).status_code == 200
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong", **INTERNET).status_code == 404


@pytest.mark.django_db
@override_settings(INTAKE_CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR")
def test_behind_the_proxy_the_client_address_is_the_one_the_proxy_saw():
    client = Client()

    assert client.get("/healthz", HTTP_X_FORWARDED_FOR="203.0.113.9", **LOCAL).status_code == 404
    assert client.get("/healthz", HTTP_X_FORWARDED_FOR="10.1.2.3", **LOCAL).status_code == 200


@pytest.fixture
def a_worker_beats(db):
    register_worker(worker_id="worker-test", queues="*")


@pytest.mark.django_db
def test_ready_when_the_database_answers_and_nothing_waits_too_long(make_case, a_worker_beats):
    make_case()

    response = Client().get("/readyz", **LOCAL)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "task_worker", "outbox"}


@pytest.mark.django_db
def test_not_ready_when_the_outbox_falls_behind(make_case, a_worker_beats):
    make_case()
    an_hour_ago = timezone.now() - dt.timedelta(hours=1)
    assert Message.objects.update(next_attempt_at=an_hour_ago) >= 1

    response = Client().get("/readyz", **LOCAL)

    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["outbox"]["ok"] is False
    assert "oldest due 3600 s" in checks["outbox"]["detail"]
    assert checks["database"]["ok"] is True


@pytest.mark.django_db
def test_not_ready_when_no_task_worker_beats(make_case):
    register_worker(worker_id="worker-gone", queues="*")
    Worker.objects.update(seen_at=timezone.now() - dt.timedelta(hours=1))

    response = Client().get("/readyz", **LOCAL)

    assert response.status_code == 503
    check = response.json()["checks"]["task_worker"]
    assert check["ok"] is False and "no worker's heartbeat" in check["detail"]


@pytest.mark.django_db
def test_not_ready_when_a_task_waits_too_long_for_a_worker(a_worker_beats):
    refresh_dashboard.enqueue()
    DBTaskResult.objects.update(enqueued_at=timezone.now() - dt.timedelta(hours=2))

    response = Client().get("/readyz", **LOCAL)

    assert response.status_code == 503
    check = response.json()["checks"]["task_worker"]
    assert check["ok"] is False and "1 waiting, oldest 7200 s" in check["detail"]


@pytest.mark.django_db
def test_metrics_count_requests_by_view_and_read_the_queues(client_for, make_case):
    make_case()
    make_case()
    caseworker, _user = client_for(Role.CASEWORKER)
    before = scrape(Client())
    caseworker.get("/cases/")
    caseworker.get("/cases/")

    samples = scrape(Client())

    def requests_to(s: dict[str, list[tuple[dict[str, str], float]]]) -> float:
        return sum(v for labels, v in s.get("safepassage_http_requests_total", [])
                   if labels["view"] == "registry:case-list" and labels["status"] == "200")

    assert requests_to(samples) - requests_to(before) == 2
    assert any(labels.get("view") == "registry:case-list"
               for labels, _v in samples["safepassage_http_request_duration_seconds_count"])
    gauges = {name: values[0][1] for name, values in samples.items() if len(values) == 1}
    assert gauges["safepassage_registrations"] == Case.objects.count() == 2
    waiting = Message.objects.filter(state__in=["queued", "sending"]).count()
    assert gauges["safepassage_outbox_messages_waiting"] == waiting >= 2
    assert gauges["safepassage_review_queue_pairs"] == CandidatePair.objects.filter(
        status="pending").count()
    assert gauges["safepassage_tasks_waiting"] == DBTaskResult.objects.ready().count()
    assert "safepassage_outbox_oldest_waiting_seconds" in gauges


@pytest.mark.django_db
def test_each_response_carries_a_request_id_and_keeps_the_proxys():
    client = Client()

    mine = client.get("/healthz", **LOCAL)["X-Request-ID"]
    given = client.get("/healthz", HTTP_X_REQUEST_ID="caddy-req-0123456789", **LOCAL)

    assert len(mine) == 32
    assert given["X-Request-ID"] == "caddy-req-0123456789"
