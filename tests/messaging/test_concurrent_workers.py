import threading

import pytest
from django.db import connection, connections, transaction

from safepassage.messaging.delivery import claim_due_messages
from safepassage.messaging.models import Message, State, Via
from tests.conftest import person


@pytest.mark.django_db(transaction=True)
def test_a_worker_skips_rows_another_worker_holds_locked_instead_of_waiting(make_case):
    if connection.vendor != "postgresql":
        pytest.skip("row locks with SKIP LOCKED are PostgreSQL's; SQLite serialises writers")
    for n in range(4):
        make_case(person(phones=[f"+9379000000{n}"], email="", preferred_language="en"))
    sms = list(Message.objects.filter(channel=Via.SMS).order_by("pk").values_list("pk",
                                                                                  flat=True))
    locked, release = threading.Event(), threading.Event()

    def other_worker_mid_claim() -> None:
        with transaction.atomic():
            list(Message.objects.select_for_update().filter(pk__in=sms[:3]))
            locked.set()
            release.wait(10)
        connections.close_all()

    other = threading.Thread(target=other_worker_mid_claim)
    other.start()
    locked.wait(10)
    try:
        mine = claim_due_messages(worker="b", limit=10, lease_seconds=60)
    finally:
        release.set()
        other.join()

    assert [m.pk for m in mine] == sms[3:]
    assert Message.objects.filter(pk__in=sms[:3], state=State.QUEUED).count() == 3
