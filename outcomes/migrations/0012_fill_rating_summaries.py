"""Existing databases: summarise every outcome's ratings (outcomes.summaries),
set-based, in one INSERT … SELECT."""

from django.db import migrations


def fill_rating_summaries(apps, schema_editor):
    from outcomes import summaries

    summaries.rebuild(
        summary_model=apps.get_model("outcomes", "RatingSummary"),
        using=schema_editor.connection.alias,
    )


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0011_rating_summary")]

    operations = [migrations.RunPython(fill_rating_summaries, migrations.RunPython.noop)]
