"""Outcomes written before ValuedOutcome.writers existed: rebuild who last wrote
their wording and "why it matters" from the history (every add and change
records the fields it wrote, and by which side). A field the history never
mentions keeps the side that began the outcome."""

from django.db import migrations

WORDS = ("text", "why_it_matters")


def fill_outcome_writers(apps, schema_editor):
    PlanChange = apps.get_model("plans", "PlanChange")
    ValuedOutcome = apps.get_model("outcomes", "ValuedOutcome")
    for outcome in ValuedOutcome.objects.only("pk", "code", "created_side").iterator():
        writers = dict.fromkeys(WORDS, outcome.created_side)
        changes = PlanChange.objects.filter(
            item_type="outcome", item_code=outcome.code, action__in=["create", "edit"]
        ).order_by("at", "id")
        for change in changes.only("actor_side", "after").iterator():
            if not change.actor_side or not isinstance(change.after, dict):
                continue
            for name in WORDS:
                if name in change.after:
                    writers[name] = change.actor_side
        ValuedOutcome.objects.filter(pk=outcome.pk).update(writers=writers)


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0008_outcome_writers"),
        ("plans", "0019_fill_item_writers"),
    ]

    operations = [migrations.RunPython(fill_outcome_writers, migrations.RunPython.noop)]
