from django.contrib import admin

from outcomes.models import Rating, Review, ValuedOutcome
from plans.admin import PlanItemAdmin

admin.site.register(ValuedOutcome, PlanItemAdmin)


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ("outcome", "side", "score", "rated_on")
    list_filter = ("side",)
    raw_id_fields = ("outcome", "plan", "rated_by", "review")

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False  # a correction is a new rating


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("plan", "held_on", "next_review_date")
    raw_id_fields = ("plan", "started_by")
