"""Demo accounts are marked. Accounts made by an earlier `demo-users` (a role's name, and the
published demo password still set) are marked too, so that `totp` keeps working for them and
a production install refuses them."""

from typing import Any

from django.contrib.auth.hashers import check_password
from django.db import migrations, models

_DEMO_USERNAMES = [
    "partner", "caseworker", "supervisor", "airlift-officer", "gate-agent",
    "diplomatic-officer", "auditor", "administrator",
]
_DEMO_PASSWORD = "safepassage-demo"  # noqa: S105 - the published demo password, to recognise it


def mark_earlier_demo_accounts(apps: Any, schema_editor: Any) -> None:
    User = apps.get_model("accounts", "User")
    for user in User.objects.filter(username__in=_DEMO_USERNAMES):
        if check_password(_DEMO_PASSWORD, user.password):
            User.objects.filter(pk=user.pk).update(is_demo=True)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_external_identity'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='is_demo',
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(mark_earlier_demo_accounts, migrations.RunPython.noop),
    ]
