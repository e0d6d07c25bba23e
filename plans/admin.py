from django.contrib import admin

from plans.models import (
    AccessRequest,
    CareTeamMember,
    Commitment,
    Expertise,
    LifeArea,
    Plan,
    PlanChange,
    PlanView,
    Proposal,
    Resource,
    ResourceLibraryItem,
)


class CareTeamInline(admin.TabularInline):
    model = CareTeamMember
    extra = 0
    raw_id_fields = ("professional", "added_by", "removed_by")


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("__str__", "status", "next_review_date", "updated_at")
    list_filter = ("status",)
    search_fields = ("person__user__display_name", "code")
    raw_id_fields = ("person",)
    readonly_fields = ("code", "version")
    inlines = [CareTeamInline]


class PlanItemAdmin(admin.ModelAdmin):
    list_display = ("__str__", "plan", "created_side", "created_at", "removed_at")
    list_filter = ("created_side",)
    raw_id_fields = ("plan", "created_by", "updated_by")
    readonly_fields = ("code", "version")


for model in (Expertise, Resource, Commitment):
    admin.site.register(model, PlanItemAdmin)


@admin.register(LifeArea)
class LifeAreaAdmin(admin.ModelAdmin):
    list_display = ("name", "plan", "leadership")
    raw_id_fields = ("plan", "created_by")


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ("__str__", "plan", "status", "created_at", "answered_at")
    list_filter = ("status", "action", "proposed_side")
    raw_id_fields = ("plan", "life_area", "proposed_by", "answered_by")


@admin.register(PlanChange)
class PlanChangeAdmin(admin.ModelAdmin):
    list_display = ("at", "plan", "actor", "action", "summary")
    list_filter = ("action",)
    raw_id_fields = ("plan", "life_area", "actor", "proposal")

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False  # history is never edited


@admin.register(ResourceLibraryItem)
class ResourceLibraryItemAdmin(admin.ModelAdmin):
    list_display = ("name", "team", "control")
    list_filter = ("team", "control")


admin.site.register(CareTeamMember)
admin.site.register(AccessRequest)
admin.site.register(PlanView)
