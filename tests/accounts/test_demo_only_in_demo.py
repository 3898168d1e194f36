"""Demo only in demo (issue 17, item 4): in production the demo commands refuse, a demo account
cannot sign in and `totp` prints no code; outside production `totp` serves demo accounts only."""

import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from safepassage.accounts.models import Role, User
from safepassage.accounts.services import create_staff_user
from tests.accounts.test_sign_in import code_for

DEMO_COMMANDS = [
    "demo_users", "demo_data", "demo_reregistrations", "demo_circumstances", "airlift_demo",
    "demo_engagements", "fake_sms_provider",
]
DEMO_PASSWORD = "safepassage-demo"  # the published one


@pytest.fixture
def production(settings):
    settings.PRODUCTION = True
    return settings


def test_demo_users_refuses_in_a_production_install(tmp_path):
    key = "A" * 43 + "="
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("SAFEPASSAGE_") and k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "safepassage"), "demo-users"],
        env={**clean, "SAFEPASSAGE_ENV": "production", "SAFEPASSAGE_SECRET_KEY": "x" * 50,
             "SAFEPASSAGE_DATA_KEYS": f"k1:{key}", "SAFEPASSAGE_INDEX_KEY": key,
             "SAFEPASSAGE_VAR_DIR": str(tmp_path),
             "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}"},
        capture_output=True, text=True, check=False, timeout=120,
    )

    assert result.returncode != 0
    assert "`safepassage demo-users` is for the demo and refuses to run in production" in (
        result.stderr)
    assert DEMO_PASSWORD not in result.stdout


@pytest.mark.django_db
@pytest.mark.parametrize("command", DEMO_COMMANDS)
def test_every_demo_command_refuses_in_production(production, command):
    with pytest.raises(CommandError, match="refuses to run in production"):
        call_command(command)

    assert not User.objects.exists()


@pytest.mark.django_db
def test_demo_users_marks_its_accounts_as_demo_accounts():
    call_command("demo_users")

    assert User.objects.count() == len(Role)
    assert all(user.is_demo for user in User.objects.all())


@pytest.mark.django_db
def test_demo_users_never_prints_the_secret_of_a_real_account_of_a_demo_name(capsys):
    real, device = create_staff_user(username="caseworker", password="x" * 20,
                                     role=Role.CASEWORKER)

    call_command("demo_users")

    out = capsys.readouterr()
    assert "caseworker: a real account of that name exists; skipped." in out.err
    assert device.key.upper() not in out.out
    real.refresh_from_db()
    assert not real.is_demo


def _demo_account():
    user, _device = create_staff_user(username="supervisor", password=DEMO_PASSWORD,
                                      role=Role.SUPERVISOR, demo=True)
    return user


def _sign_in(user):
    client = Client()
    page = client.post("/accounts/sign-in/", {
        "username": user.username, "password": DEMO_PASSWORD, "otp_token": code_for(user)})
    return client, page


@pytest.mark.django_db
def test_a_demo_account_signs_in_outside_production():
    client, page = _sign_in(_demo_account())

    assert page.status_code == 302
    assert client.get("/cases/").status_code == 200


@pytest.mark.django_db
def test_sign_in_refuses_a_demo_account_in_production(settings):
    user = _demo_account()  # made before the install went live
    settings.PRODUCTION = True

    client, page = _sign_in(user)

    assert page.status_code == 200
    assert "demo accounts cannot sign in to a production installation" in page.content.decode()
    assert client.get("/cases/").status_code == 302


@pytest.mark.django_db
def test_no_demo_account_can_be_created_in_production(production):
    with pytest.raises(Exception, match="Demo accounts cannot be created in production"):
        _demo_account()


@pytest.mark.django_db
def test_totp_prints_the_code_of_a_demo_account(capsys):
    user = _demo_account()

    call_command("totp", user.username)

    assert capsys.readouterr().out.strip() == code_for(user)


@pytest.mark.django_db
def test_totp_refuses_an_account_that_is_not_a_demo_account(make_user, capsys):
    user = make_user(Role.ADMINISTRATOR)

    with pytest.raises(CommandError, match="is not a demo account"):
        call_command("totp", user.username)

    assert code_for(user) not in capsys.readouterr().out


@pytest.mark.django_db
def test_totp_refuses_in_production_even_for_a_demo_account(settings, capsys):
    user = _demo_account()
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="refuses to run in production"):
        call_command("totp", user.username)

    assert code_for(user) not in capsys.readouterr().out
