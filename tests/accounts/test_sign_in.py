import pytest
from django.test import Client
from django_otp.oath import TOTP

from safepassage.accounts.models import Role
from tests.conftest import PASSWORD


def code_for(user, offset_steps: int = 0) -> str:
    device = user.totpdevice_set.get()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time += offset_steps * device.step
    return f"{totp.token():06d}"


def test_staff_sign_in_needs_the_password_and_the_second_factor(make_user):
    user = make_user(Role.CASEWORKER)
    client = Client()

    page = client.post(
        "/accounts/sign-in/",
        {"username": user.username, "password": PASSWORD, "otp_token": code_for(user)},
    )

    assert page.status_code == 302
    assert client.get("/cases/").status_code == 200


def test_a_wrong_code_is_refused_without_saying_which_part_was_wrong(make_user):
    user = make_user(Role.CASEWORKER)
    client = Client()

    page = client.post(
        "/accounts/sign-in/",
        {"username": user.username, "password": PASSWORD, "otp_token": code_for(user, 10)},
    )

    assert page.status_code == 200
    assert "user name, password or code is not right" in page.content.decode()
    assert client.get("/cases/").status_code == 302


def test_a_password_alone_does_not_open_the_staff_pages(make_user):
    user = make_user(Role.CASEWORKER)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")

    page = client.get("/cases/")

    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/sign-in/")


def test_five_failed_sign_ins_lock_the_account(make_user):
    user = make_user(Role.CASEWORKER)
    client = Client()
    for _ in range(5):
        client.post(
            "/accounts/sign-in/",
            {"username": user.username, "password": "wrong password", "otp_token": "000000"},
        )

    locked = client.post(
        "/accounts/sign-in/",
        {"username": user.username, "password": PASSWORD, "otp_token": code_for(user)},
    )

    assert locked.status_code == 429
    assert "locked for 15 minutes" in locked.content.decode()


def test_sessions_expire_after_idle_time_and_with_the_browser(settings):
    assert settings.SESSION_COOKIE_AGE <= 3600
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x"])
def test_sign_in_never_redirects_off_site(make_user, target):
    user = make_user(Role.CASEWORKER)

    page = Client().post(
        "/accounts/sign-in/",
        {"username": user.username, "password": PASSWORD, "otp_token": code_for(user),
         "next": target},
    )

    assert page["Location"] == "/"
