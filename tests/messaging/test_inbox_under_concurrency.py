import threading

import pytest
from django.db import connection, connections

from safepassage.accounts import permissions
from safepassage.messaging.inbox import receive_inbound
from safepassage.messaging.models import Conversation, InboundMessage


@pytest.mark.django_db(transaction=True)
def test_a_senders_first_messages_at_once_make_one_conversation_and_both_count(db):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers are PostgreSQL's; SQLite serialises them")
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def receive(n: int) -> None:
        try:
            start.wait(10)
            receive_inbound(actor=permissions.SMS_GATEWAY, via="sms", provider_id=f"in-{n}",
                            sender="+447700900123", text=f"help {n}")
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=receive, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    conversation = Conversation.objects.get()
    assert InboundMessage.objects.filter(conversation=conversation).count() == 4
    first = InboundMessage.objects.order_by("received_at").first()
    assert conversation.waiting_since == first.received_at
