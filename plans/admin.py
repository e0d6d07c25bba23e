"""The admin site runs the service; it is not a way into people's plans.

Staff manage accounts, teams and two-factor devices. Care-team memberships
are shown, read-only: only the person decides who sees their plan.
Plan content (outcomes, expertise, resources, commitments, suggestions,
ratings, history, who has looked) is deliberately not registered: a member
of staff reading it here would not appear in the person's "who has looked at
my plan", and the person's control over who sees their plan would be empty.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from plans.models import CareTeamMember, LifeArea, Plan, ResourceLibraryItem


class CareTeamInline(admin.TabularInline):
    """Who is on the care team, to read only.

    Who may see a plan changes through the person's own care team page
    (plans.care_team), which records every change in the plan's history.
    """

    model = CareTeamMember
    extra = 0
    fields = ("professional", "added_by", "added_at", "removed_by", "removed_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    """Status and dates only: what the person wrote about themselves is not shown."""

    list_display = ("code", "status", "next_review_date", "updated_at")
    list_filter = ("status",)
    search_fields = ("code",)
    fields = ("code", "person", "status", "next_review_date", "closed_at", "version")
    raw_id_fields = ("person",)
    readonly_fields = ("code", "version")
    inlines = [CareTeamInline]


@admin.register(LifeArea)
class LifeAreaAdmin(admin.ModelAdmin):
    """Names and leadership only; leadership changes only by agreement, so read-only."""

    list_display = ("name", "plan", "leadership")
    fields = ("plan", "name", "leadership", "position")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ResourceLibraryItem)
class ResourceLibraryItemAdmin(admin.ModelAdmin):
    list_display = ("name", "team", "control")
    list_filter = ("team", "control")
