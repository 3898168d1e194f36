from typing import TYPE_CHECKING

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
    fieldsets = [
        *(UserAdmin.fieldsets or ()),
        ("SafePassage", {"fields": ["role", "organisation"]}),
    ]


@admin.register(Organisation)
class OrganisationAdmin(_OrganisationAdmin):
    list_display = ["name", "slug", "created_at"]
    prepopulated_fields = {"slug": ["name"]}
