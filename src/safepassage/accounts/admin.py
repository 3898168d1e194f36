from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from safepassage.accounts.models import Organisation, User


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = ["username", "role", "organisation", "is_active", "last_login"]
    list_filter = ["role", "organisation", "is_active"]
    fieldsets = [
        *(UserAdmin.fieldsets or ()),
        ("SafePassage", {"fields": ["role", "organisation"]}),
    ]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    prepopulated_fields = {"slug": ["name"]}
