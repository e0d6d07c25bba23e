"""Chain the history written before the hash chain: each plan's entries in id order."""

from django.db import migrations

from plans.history_chain import digest

BATCH = 2000


def fill_history_hashes(apps, schema_editor):
    Plan = apps.get_model("plans", "Plan")
    PlanChange = apps.get_model("plans", "PlanChange")
    # Plan by plan, each read whole before it is written: no cursor stays open
    # over the rows being updated.
    for plan_id, plan_code in list(Plan.objects.order_by("pk").values_list("pk", "code")):
        prev = ""
        changes = list(PlanChange.objects.filter(plan_id=plan_id).order_by("id"))
        for change in changes:
            change.prev_hash = prev
            change.entry_hash = digest(
                plan_code=plan_code,
                prev_hash=prev,
                actor_id=change.actor_id,
                actor_side=change.actor_side,
                at=change.at,
                action=change.action,
                item_type=change.item_type,
                item_code=change.item_code,
                summary=change.summary,
                before=change.before,
                after=change.after,
                plan_version=change.plan_version,
            )
            prev = change.entry_hash
        PlanChange.objects.bulk_update(changes, ["prev_hash", "entry_hash"], batch_size=BATCH)


def clear_history_hashes(apps, schema_editor):
    apps.get_model("plans", "PlanChange").objects.update(prev_hash="", entry_hash="")


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0006_planchange_hash_chain_fields"),
    ]

    operations = [migrations.RunPython(fill_history_hashes, clear_history_hashes)]
