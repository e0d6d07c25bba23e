from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from coproduce.models import Person, Professional, Team, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), ("Coproduce", {"fields": ("display_name",)}))
    list_display = ("username", "display_name", "email", "is_staff")
    search_fields = ("username", "display_name", "email")


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("__str__", "created_at")
    search_fields = ("user__display_name", "user__username")
    raw_id_fields = ("user",)


@admin.register(Professional)
class ProfessionalAdmin(admin.ModelAdmin):
    list_display = ("__str__", "team", "discipline")
    list_filter = ("team", "discipline")
    search_fields = ("user__display_name", "user__username")
    raw_id_fields = ("user",)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "lead")
    raw_id_fields = ("lead",)
