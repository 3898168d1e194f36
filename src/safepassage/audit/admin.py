from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest

from safepassage.audit.models import AuditEntry

if TYPE_CHECKING:  # the admin class is generic for the type checker only
    _ModelAdmin = admin.ModelAdmin[AuditEntry]
else:
    _ModelAdmin = admin.ModelAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(_ModelAdmin):
    list_display = ["id", "at", "actor", "action", "object_type", "object_id"]
    list_filter = ["action"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
