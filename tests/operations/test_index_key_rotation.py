"""Rotating the blind-index key: searches, SMS matching, the instant duplicate check and the
recognition of re-imported rows keep working before, during and after the rebuild."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from safepassage.accounts.models import Role
from safepassage.accounts.permissions import SMS_GATEWAY
from safepassage.intake.models import RowFingerprint
from safepassage.linkage.models import BlockKey
from safepassage.messaging.models import InboundMessage
from safepassage.messaging.services import receive_inbound_sms
from safepassage.operations import index_rotation
from safepassage.protection import keys
from safepassage.registry.models import Identifier
from safepassage.registry.selectors import search_cases
from tests.conftest import person
from tests.intake.conftest import csv_bytes, good_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_key_file(settings, tmp_path: Path):
    key_file = tmp_path / "keys.json"
    keys.write_key_file(key_file, keys.load_keyring(reload=True))
    settings.DATA_KEY_FILE = key_file
    keys.load_keyring(reload=True)
    yield key_file
    keys.load_keyring(reload=True)


def found(actor, text: str) -> set[str]:
    return {c.reference for c in search_cases(actor=actor, text=text)}


def import_rows(tmp_path: Path, org: str) -> dict[str, int]:
    path = tmp_path / "rows.csv"
    path.write_bytes(csv_bytes([good_row(1, external_id=""), good_row(2, external_id="")]))
    out = io.StringIO()
    call_command("import_file", str(path), "--org", org, "--create-org", "--json", stdout=out)
    return json.loads(out.getvalue())


def test_every_look_up_works_before_during_and_after_the_rotation(
    own_key_file, make_case, make_user, tmp_path, settings,
):
    settings.INTAKE_IMPORT_IN_BACKGROUND = False
    case = make_case(person(given_name="Gulalai", family_name="Wardak",
                            phones=["+93700123456"], tazkira_number="139902027777"))
    supervisor = make_user(Role.SUPERVISOR)
    assert import_rows(tmp_path, "Rotation Partners")["imported"] == 2
    receive_inbound_sms(actor=SMS_GATEWAY, provider_id="before", sender="0700123456",
                        text="hello")
    identifiers_before = set(Identifier.objects.values_list("digest", flat=True))
    blocks_before = set(BlockKey.objects.values_list("digest", flat=True))
    prints_before = set(RowFingerprint.objects.values_list("digest", flat=True))
    old_index_key = keys.load_keyring().index_key

    index_rotation.start_rotation()
    # Nothing rebuilt yet: every search still finds its case, through the previous key.
    assert keys.load_keyring().previous_index_keys == (old_index_key,)
    for text in ("Gulalai Wardak", "0700 123 456", "1399-0202-7777"):
        assert case.reference in found(supervisor, text), text
    assert import_rows(tmp_path, "Rotation Partners")["unchanged"] == 2

    index_rotation.rebuild_all()
    index_rotation.retire_previous_keys()

    ring = keys.load_keyring(reload=True)
    assert ring.index_key != old_index_key and ring.previous_index_keys == ()
    assert not identifiers_before & set(Identifier.objects.values_list("digest", flat=True))
    assert not blocks_before & set(BlockKey.objects.values_list("digest", flat=True))
    assert not prints_before & set(RowFingerprint.objects.values_list("digest", flat=True))
    assert RowFingerprint.objects.count() == len(prints_before)
    for text in ("Gulalai Wardak", "0700 123 456", "1399-0202-7777"):
        assert case.reference in found(supervisor, text), text
    assert import_rows(tmp_path, "Rotation Partners")["unchanged"] == 2
    reply, _created = receive_inbound_sms(actor=SMS_GATEWAY, provider_id="after",
                                          sender="+93700123456", text="hi")
    assert list(reply.cases.all()) == [case]
    assert len({m.sender_digest for m in InboundMessage.objects.all()}) == 1
    again = make_case(person(given_name="Gulalai", family_name="Wardak",
                             phones=["+93700123456"], tazkira_number="139902027777"))
    from safepassage.linkage.models import CandidatePair

    assert CandidatePair.objects.filter(person_b__household=again.household).exists() or \
        CandidatePair.objects.filter(person_a__household=again.household).exists()


def test_the_command_rotates_and_retires_in_one_go(own_key_file, make_case):
    make_case()
    old = keys.load_keyring(reload=True).index_key
    out = io.StringIO()

    call_command("rotate_index_key", stdout=out)

    assert "Rebuilt persons' identifiers: 1." in out.getvalue()
    ring = keys.load_keyring(reload=True)
    assert ring.index_key != old and ring.previous_index_keys == ()
