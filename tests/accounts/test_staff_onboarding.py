"""An administrator creates staff accounts; each person chooses a password and enrols a phone
through a one-time link; backup codes; a lost second factor reset; accounts deactivated."""

from __future__ import annotations

import base64
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from safepassage.accounts.models import Role, User
from safepassage.audit.models import AuditEntry

NEW_PASSWORD = "a long passphrase for the cell"


def code_for(secret: str) -> str:
    key = base64.b32decode(secret.replace(" ", ""))
    return f"{TOTP(key).token():06d}"


def follow_link(link: str, *, password: str, first: bool = True) -> tuple[Client, list[str]]:
    """What the person does with the link: a password, the QR code's key, a code; returns the
    signed-in client and the backup codes shown."""
    person = Client()
    page = person.get(link)
    assert page.status_code == 200
    data = {"password": password, "password_again": password} if first else {"password": password}
    assert person.post(link, data).status_code == 302
    enrol = person.get("/accounts/enrol/").content.decode()
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', enrol).group(1)
    assert "<svg" in enrol
    done = person.post("/accounts/enrol/", {"otp_token": code_for(secret)})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", done.content.decode())
    return person, codes


@pytest.mark.django_db
def test_an_administrator_creates_an_account_and_its_holder_enrols_at_first_sign_in(client_for):
    admin, _admin_user = client_for(Role.ADMINISTRATOR)

    created = admin.post("/accounts/staff/new/", {"username": "farida", "role": "caseworker"})

    link = re.search(r'data-testid="one-time-link">http://testserver(/[^<]+)<',
                     created.content.decode()).group(1)
    user = User.objects.get(username="farida")
    assert user.role == Role.CASEWORKER and not user.has_usable_password()
    person, codes = follow_link(link, password=NEW_PASSWORD)
    assert len(codes) == 10
    assert person.get("/cases/").status_code == 200
    assert TOTPDevice.objects.get(user=user).confirmed
    assert Client().get(link).status_code == 410  # the link worked once
    actions = set(AuditEntry.objects.filter(object_id=str(user.pk)).values_list("action",
                                                                                 flat=True))
    assert {"accounts.user_created", "accounts.password_set",
            "accounts.second_factor_enrolled"} <= actions


@pytest.mark.django_db
def test_a_backup_code_signs_in_once_in_place_of_the_phone(client_for):
    admin, _ = client_for(Role.ADMINISTRATOR)
    admin.post("/accounts/staff/new/", {"username": "karim", "role": "supervisor"})
    link = User.objects.get(username="karim")
    from safepassage.accounts.services import enrolment_path

    _person, codes = follow_link(enrolment_path(link), password=NEW_PASSWORD)

    form = {"username": "karim", "password": NEW_PASSWORD, "otp_token": codes[0]}
    assert Client().post("/accounts/sign-in/", form).status_code == 302
    assert Client().post("/accounts/sign-in/", form).status_code == 200  # used up


@pytest.mark.django_db
def test_a_lost_second_factor_is_reset_by_an_administrator_with_a_reason_audited(
    client_for, make_user,
):
    admin, admin_user = client_for(Role.ADMINISTRATOR)
    staff = make_user(Role.CASEWORKER)
    from tests.conftest import PASSWORD

    refused = admin.post(f"/accounts/staff/{staff.pk}/", {"action": "reset-second-factor",
                                                          "reason": ""})
    assert refused.status_code == 200 and TOTPDevice.objects.filter(user=staff).exists()
    reset = admin.post(f"/accounts/staff/{staff.pk}/", {"action": "reset-second-factor",
                                                        "reason": "phone stolen at checkpoint"})

    assert not TOTPDevice.objects.filter(user=staff).exists()
    entry = AuditEntry.objects.get(action="accounts.second_factor_reset")
    assert entry.actor_id == admin_user.pk and entry.object_id == str(staff.pk)
    assert entry.details == {"reason": "phone stolen at checkpoint"}
    link = re.search(r'data-testid="one-time-link">http://testserver(/[^<]+)<',
                     reset.content.decode()).group(1)
    stranger = Client()
    assert stranger.post(link, {"password": "not the password at all"}).status_code == 200
    assert "accounts.enrolling_user" not in stranger.session  # the link alone is not enough
    person, _codes = follow_link(link, password=PASSWORD, first=False)
    assert person.get("/cases/").status_code == 200


@pytest.mark.django_db
def test_a_deactivated_account_cannot_sign_in_and_is_kept(client_for, make_user):
    admin, _ = client_for(Role.ADMINISTRATOR)
    staff = make_user(Role.CASEWORKER)
    from tests.conftest import sign_in

    their_session = sign_in(Client(), staff)
    admin.post(f"/accounts/staff/{staff.pk}/", {"action": "deactivate", "reason": "left"})

    staff.refresh_from_db()
    assert staff.is_active is False
    assert their_session.get("/cases/").status_code == 302  # the open session ended
    assert AuditEntry.objects.filter(action="accounts.user_deactivated").count() == 1


@pytest.mark.django_db
def test_only_administrators_manage_accounts_and_never_their_own(client_for):
    supervisor, _ = client_for(Role.SUPERVISOR)
    admin, admin_user = client_for(Role.ADMINISTRATOR)

    assert supervisor.get("/accounts/staff/").status_code == 403
    own = admin.post(f"/accounts/staff/{admin_user.pk}/", {"action": "deactivate",
                                                           "reason": "x"})
    assert own.status_code == 403
    admin_user.refresh_from_db()
    assert admin_user.is_active


@pytest.mark.django_db
def test_a_partner_organisations_administrator_sees_and_makes_only_its_referrers(
    make_user, make_organisation,
):
    from tests.conftest import sign_in

    ours, theirs = make_organisation(), make_organisation()
    partner_admin = make_user(Role.ADMINISTRATOR)
    User.objects.filter(pk=partner_admin.pk).update(organisation=ours)
    partner_admin.refresh_from_db()
    mine, other = make_user(Role.PARTNER, ours), make_user(Role.PARTNER, theirs)
    client = sign_in(Client(), partner_admin)

    listing = client.get("/accounts/staff/").content.decode()
    assert mine.username in listing and other.username not in listing
    assert client.get(f"/accounts/staff/{other.pk}/").status_code == 404
    made = client.post("/accounts/staff/new/", {"username": "sup", "role": "supervisor",
                                                "organisation": ours.pk})
    assert made.status_code == 200 and not User.objects.filter(username="sup").exists()


@pytest.mark.django_db
def test_create_user_prints_the_link_and_createsuperuser_points_to_it(capsys):
    call_command("create_user", "first-admin", "--role", "administrator",
                 "--base-url", "https://sp.example.org")

    out = capsys.readouterr().out
    assert re.search(r"https://sp\.example\.org/accounts/welcome/\w+/[\w-]+/", out)
    assert User.objects.get(username="first-admin").role == Role.ADMINISTRATOR
    with pytest.raises(CommandError, match="create-user"):
        call_command("createsuperuser", "--noinput", "--username", "root")
