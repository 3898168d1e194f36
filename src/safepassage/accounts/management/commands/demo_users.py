"""`safepassage demo-users`: a demo account per role, second factor enrolled, and how to sign in."""

import base64
from typing import Any

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from safepassage.accounts.demo import DemoCommand
from safepassage.accounts.models import Organisation, Role, User
from safepassage.accounts.services import create_staff_user

DEMO_PASSWORD = "safepassage-demo"  # noqa: S105 - demo only, printed to the operator


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


class Command(DemoCommand):
    help = ("Create one demo user per role (if missing) and print how to sign in. Refused in "
            "production.")

    def handle(self, *args: Any, **options: Any) -> None:
        partner_org = Organisation.objects.order_by("pk").first() or Organisation.objects.create(
            name="Veterans for Afghan Allies", slug="veterans-for-afghan-allies"
        )
        rows = []
        for role in Role:
            username = role.value.replace("_", "-")
            user = User.objects.filter(username=username).first()
            if user is None:
                org = partner_org if role == Role.PARTNER else None
                user, device = create_staff_user(
                    username=username, password=DEMO_PASSWORD, role=role, organisation=org,
                    demo=True,
                )
            elif not user.is_demo:
                # A real account that happens to bear a role's name: never print its secret.
                self.stderr.write(f"{username}: a real account of that name exists; skipped.")
                continue
            else:
                device = TOTPDevice.objects.get(user=user)
            secret = base64.b32encode(device.bin_key).decode()
            rows.append((username, role.label, secret, current_code(device)))
        self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD})\n")
        heading = "TOTP secret (for an authenticator app)"
        self.stdout.write(f"{'user':20} {'role':20} {heading:42} code now")
        for username, label, secret, code in rows:
            self.stdout.write(f"{username:20} {label!s:20} {secret:42} {code}")
        self.stdout.write(
            "\nA code changes every 30 s: `safepassage totp USER` prints the current one.\n"
        )
