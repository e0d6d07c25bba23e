"""Existing outcomes keep their meaning under "the person's words are theirs".

- An outcome that joined the plan through a suggestion the person accepted
  records that acceptance (who, when), read from the plan's history.
- An outcome a professional wrote, or whose words a professional last
  changed, without the person accepting it, stays on the plan with its
  ratings and history, marked "not yet agreed": the person agrees with one
  action or changes it. Turning it into a pending suggestion instead would
  take it, and its ratings, out of the plan the team has been working to.
"""

from django.db import migrations
from django.db.models import OuterRef, Q, Subquery


def forwards(apps, schema_editor):
    ValuedOutcome = apps.get_model("outcomes", "ValuedOutcome")
    PlanChange = apps.get_model("plans", "PlanChange")
    accepted = (
        PlanChange.objects.filter(
            item_type="outcome",
            action="create",
            proposal__status="accepted",
        )
        .values_list("item_code", "proposal__answered_by_id", "proposal__answered_at")
        .iterator()
    )
    for item_code, answered_by_id, answered_at in accepted:
        ValuedOutcome.objects.filter(code=item_code).update(
            accepted_by_id=answered_by_id, accepted_at=answered_at
        )
    last_edit = PlanChange.objects.filter(
        item_type="outcome", action="edit", item_code=OuterRef("code")
    ).order_by("-at", "-id")
    ValuedOutcome.objects.filter(removed_at__isnull=True).annotate(
        last_edit_side=Subquery(last_edit.values("actor_side")[:1]),
        last_edit_suggested=Subquery(last_edit.values("proposal_id")[:1]),
    ).filter(
        Q(created_side="professional", accepted_at__isnull=True)
        | Q(last_edit_side="professional", last_edit_suggested__isnull=True)
    ).update(awaiting_agreement=True)


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0006_outcomes_await_agreement_and_record_acceptance"),
        ("plans", "0013_items_await_agreement_and_record_acceptance"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
