"""Items written before PlanItem.writers existed: rebuild who last wrote each
field's words from the history (every add and change records the fields it
wrote, and by which side). A field the history never mentions keeps the side
that began the item; "about me" with no history was the person's."""

from django.db import migrations

WORDS = {
    "expertise": ("Expertise", ("text",)),
    "resource": ("Resource", ("name", "provider", "how_to_access")),
    "commitment": ("Commitment", ("what",)),
}
ABOUT_WORDS = ("about_admire", "about_matters", "about_support")


def last_writers(PlanChange, item_type, code, words, first_side):
    writers = dict.fromkeys(words, first_side)
    changes = PlanChange.objects.filter(
        item_type=item_type, item_code=code, action__in=["create", "edit"]
    ).order_by("at", "id")
    for change in changes.only("actor_side", "after").iterator():
        if not change.actor_side or not isinstance(change.after, dict):
            continue
        for name in words:
            if name in change.after:
                writers[name] = change.actor_side
    return writers


def fill_item_writers(apps, schema_editor):
    PlanChange = apps.get_model("plans", "PlanChange")
    for item_type, (model_name, words) in WORDS.items():
        Model = apps.get_model("plans", model_name)
        for item in Model.objects.only("pk", "code", "created_side").iterator():
            writers = last_writers(PlanChange, item_type, item.code, words, item.created_side)
            Model.objects.filter(pk=item.pk).update(writers=writers)
    Plan = apps.get_model("plans", "Plan")
    for plan in Plan.objects.only("pk", "code").iterator():
        writers = last_writers(PlanChange, "about", plan.code, ABOUT_WORDS, "person")
        Plan.objects.filter(pk=plan.pk).update(about_writers=writers)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0018_item_writers"),
    ]

    operations = [migrations.RunPython(fill_item_writers, migrations.RunPython.noop)]
