"""Suggestions of a new balance made before Proposal.proposed_leadership existed
kept the suggested balance only in their payload: copy it into the field, so
that waiting requests for more leadership can be found (and raised to the lead)."""

from django.db import migrations


def fill_proposed_leadership(apps, schema_editor):
    Proposal = apps.get_model("plans", "Proposal")
    rows = Proposal.objects.filter(action="leadership", proposed_leadership=None)
    for proposal in rows.only("pk", "payload").iterator():
        try:
            value = int(proposal.payload["data"]["leadership"])
        except (KeyError, TypeError, ValueError):
            continue
        if 1 <= value <= 5:
            Proposal.objects.filter(pk=proposal.pk).update(proposed_leadership=value)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0011_leadership_that_comes_back"),
    ]

    operations = [migrations.RunPython(fill_proposed_leadership, migrations.RunPython.noop)]
