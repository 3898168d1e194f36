from typing import Any

from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def create_cache_table(using: str = "default", **kwargs: Any) -> None:
    """The shared cache's table (rate limits, counted across processes) comes with `migrate`,
    so that no install, test database or benchmark can forget `createcachetable`."""
    call_command("createcachetable", database=using, verbosity=0)


class AccountsConfig(AppConfig):
    name = "safepassage.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(create_cache_table, sender=self,
                             dispatch_uid="safepassage.accounts.create_cache_table")
