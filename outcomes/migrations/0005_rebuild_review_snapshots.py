"""Give reviews completed before Review.snapshot existed the snapshot they would have taken.

Each outcome's words as they were when the review was completed are read
back from the history: the earliest change after that moment holds, in its
"before", what each field said then; a field nobody changed since is what it
says now. Each side's rating is its latest one given by then.

Where the history cannot say (an outcome changed since the review with no
history entry for the change), the review gets no snapshot, and says so.
Synthetic bulk data (seed_demo --people) has no history to read and keeps none.
"""

from django.db import migrations

FIELDS = ("text", "why_it_matters", "status")
STATUS_VALUES = {"Working on it": "active", "Achieved": "achieved", "Let go": "let_go"}


def _as_then(outcome, changes_after):
    """The outcome's fields as they were before `changes_after` (oldest first)."""
    then = {name: getattr(outcome, name) for name in FIELDS}
    seen = set()
    for change in changes_after:
        before = change.before or {}
        for name in FIELDS:
            if name in before and name not in seen:
                value = before[name]
                if name == "status":
                    value = STATUS_VALUES.get(value, value)
                then[name] = value if value is not None else ""
                seen.add(name)
    return then


def _latest_score(ratings, side, moment):
    scores = [r for r in ratings if r.side == side and r.created_at <= moment]
    return scores[-1].score if scores else None


def rebuild_snapshot(apps, review):
    ValuedOutcome = apps.get_model("outcomes", "ValuedOutcome")
    Rating = apps.get_model("outcomes", "Rating")
    PlanChange = apps.get_model("plans", "PlanChange")
    moment = review.completed_at
    outcomes = (
        ValuedOutcome.objects.filter(plan_id=review.plan_id, created_at__lte=moment)
        .exclude(removed_at__lte=moment)
        .select_related("life_area")
        .order_by("life_area__position", "created_at", "id")
    )
    snapshot = []
    for outcome in outcomes:
        changes = list(
            PlanChange.objects.filter(
                plan_id=review.plan_id,
                item_type="outcome",
                item_code=outcome.code,
                action__in=["edit", "remove"],
                at__gt=moment,
            ).order_by("at", "id")
        )
        if outcome.updated_at and outcome.updated_at > moment and not changes:
            return None  # changed since, with nothing in the history to undo it
        then = _as_then(outcome, [c for c in changes if c.action == "edit"])
        ratings = list(Rating.objects.filter(outcome=outcome).order_by("rated_on", "created_at", "id"))
        snapshot.append(
            {
                "code": str(outcome.code),
                "area": outcome.life_area.name,
                **then,
                "person_score": _latest_score(ratings, "person", moment),
                "professional_score": _latest_score(ratings, "professional", moment),
            }
        )
    return snapshot


def rebuild_snapshots(apps, schema_editor):
    Review = apps.get_model("outcomes", "Review")
    for review in Review.objects.filter(completed_at__isnull=False, snapshot__isnull=True).iterator():
        snapshot = rebuild_snapshot(apps, review)
        if snapshot is not None:
            Review.objects.filter(pk=review.pk).update(snapshot=snapshot)


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0004_review_snapshot_and_power_check"),
        ("plans", "0012_fill_proposed_leadership"),
    ]

    operations = [migrations.RunPython(rebuild_snapshots, migrations.RunPython.noop)]
