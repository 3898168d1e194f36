from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from safepassage.accounts.models import Organisation, User

if TYPE_CHECKING:  # the admin classes are generic for the type checker only
    _UserAdmin = UserAdmin[User]
    _OrganisationAdmin = admin.ModelAdmin[Organisation]
else:
    _UserAdmin, _OrganisationAdmin = UserAdmin, admin.ModelAdmin


@admin.register(User)
class StaffAdmin(_UserAdmin):
    list_display = ["username", "role", "organisation", "is_active", "last_login"]
    list_filter = ["role", "organisation", "is_active"]

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False  # accounts are deactivated, never deleted: the audit trail names them

    fieldsets = [
        *(UserAdmin.fieldsets or ()),
        ("SafePassage", {"fields": ["role", "organisation"]}),
    ]


@admin.register(Organisation)
class OrganisationAdmin(_OrganisationAdmin):
    list_display = ["name", "slug", "created_at"]
    prepopulated_fields = {"slug": ["name"]}
