import hashlib
import hmac
import json
import time

import pytest

from safepassage.accounts.models import Role
from safepassage.messaging.models import InboundMessage, OptOut
from safepassage.registry.models import Person
from tests.conftest import person

SECRET = "shared-secret-for-tests"


@pytest.fixture(autouse=True)
def inbound_secret(settings):
    settings.MESSAGING_INBOUND_SECRET = SECRET


def _post(client, payload, *, secret=SECRET, timestamp=None):
    body = json.dumps(payload).encode()
    ts = str(int(timestamp or time.time()))
    signature = hmac.new(secret.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
    return client.post("/messaging/inbound/sms/", data=body, content_type="application/json",
                       headers={"X-SafePassage-Timestamp": ts,
                                "X-SafePassage-Signature": f"sha256={signature}"})


def test_a_reply_is_attached_to_the_case_of_the_phone_it_came_from(client, make_case):
    case = make_case(person(phones=["+93791234567"]))
    make_case(person(given_name="Other", phones=["+93790000009"]))

    response = _post(client, {"id": "in-1", "from": "0791 234 567", "text": "ما در مزار هستیم"})

    assert response.status_code == 200
    assert response.json() == {"status": "stored", "matched_cases": 1}
    reply = InboundMessage.objects.get()
    assert list(reply.cases.all()) == [case]
    assert reply.text == "ما در مزار هستیم"


def test_a_badly_signed_reply_is_refused_and_not_kept(client, make_case):
    make_case()

    forged = _post(client, {"id": "in-1", "from": "+93791234567", "text": "hi"}, secret="guess")
    replayed = _post(client, {"id": "in-2", "from": "+93791234567", "text": "hi"},
                     timestamp=time.time() - 3600)

    assert forged.status_code == 403 and replayed.status_code == 403
    assert not InboundMessage.objects.exists()


def test_a_reply_from_an_unknown_number_is_kept_unmatched(client, db):
    response = _post(client, {"id": "in-1", "from": "+447700900123", "text": "help"})

    assert response.json() == {"status": "stored", "matched_cases": 0}
    assert InboundMessage.objects.get().cases.count() == 0


def test_the_same_reply_delivered_twice_is_kept_once(client, make_case):
    make_case()
    payload = {"id": "in-1", "from": "+93791234567", "text": "salaam"}

    _post(client, payload)
    again = _post(client, payload)

    assert again.json()["status"] == "already stored"
    assert InboundMessage.objects.count() == 1


def test_a_malformed_reply_gets_a_clear_error(client, db):
    response = _post(client, {"from": "+93791234567"})

    assert response.status_code == 400
    assert "'id'" in response.json()["error"]


def test_stop_opts_the_sender_out_and_start_back_in(client, make_case):
    case = make_case()
    head = Person.objects.get(household_id=case.household_id)

    _post(client, {"id": "in-1", "from": "+93791234567", "text": "Stop"})
    assert OptOut.objects.filter(person=head).exists()

    _post(client, {"id": "in-2", "from": "+93791234567", "text": "START"})
    assert not OptOut.objects.filter(person=head).exists()


def test_a_caseworker_reads_the_reply_on_the_case_page(client, make_case, client_for):
    case = make_case()
    _post(client, {"id": "in-1", "from": "+93791234567", "text": "We are hiding in Kabul"})
    staff, _user = client_for(Role.CASEWORKER)

    page = staff.get(f"/cases/{case.reference}/").content.decode()

    assert "Replies received by SMS" in page
    assert "We are hiding in Kabul" in page
    assert "Registration received" in page  # the outbox is listed too
