import shutil

from django.core.management import call_command

from safepassage.protection import keys
from safepassage.protection.rotation import key_usage
from safepassage.registry.models import Person, StatusChange
from tests.conftest import person


def test_key_rotation_keeps_every_record_readable(make_case, settings, tmp_path):
    key_file = tmp_path / "keys.json"
    shutil.copy(settings.DATA_KEY_FILE, key_file)
    settings.DATA_KEY_FILE = key_file
    old_kid = keys.load_keyring(reload=True).primary_kid
    try:
        for n in range(5):
            make_case(person(given_name=f"Person{n}"), person(given_name=f"Spouse{n}"))

        call_command("rotate_data_key")

        ring = keys.load_keyring(reload=True)
        assert ring.primary_kid != old_kid
        assert list(ring.data_keys) == [ring.primary_kid, old_kid], "old keys are kept"
        assert set(key_usage()) == {ring.primary_kid}
        names = sorted(p.given_name for p in Person.objects.all())
        assert names == sorted([f"Person{n}" for n in range(5)] + [f"Spouse{n}" for n in range(5)])
        assert StatusChange.objects.count() == 5
    finally:
        settings.DATA_KEY_FILE = key_file  # restored by the fixture; drop the cached ring too
        keys.load_keyring(reload=True)


def test_reads_keep_working_while_old_and_new_keys_are_both_in_use(make_case, settings, tmp_path):
    key_file = tmp_path / "keys.json"
    shutil.copy(settings.DATA_KEY_FILE, key_file)
    settings.DATA_KEY_FILE = key_file
    keys.load_keyring(reload=True)
    make_case(person(given_name="Before"))
    ring = keys.load_keyring()
    kid = keys.new_kid()
    rotated = keys.Keyring({kid: keys.new_key(), **ring.data_keys}, kid, ring.index_key)
    keys.write_key_file(key_file, rotated)
    keys.load_keyring(reload=True)

    make_case(person(given_name="After"))

    assert sorted(p.given_name for p in Person.objects.all()) == ["After", "Before"]
    assert set(key_usage()) == {kid, ring.primary_kid}
