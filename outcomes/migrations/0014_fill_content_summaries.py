"""Existing databases: summarise who last wrote each plan's words (outcomes.summaries),
set-based, in one INSERT … SELECT."""

from django.db import migrations


def fill_content_summaries(apps, schema_editor):
    from outcomes import summaries

    summaries.rebuild_content(
        summary_model=apps.get_model("outcomes", "ContentSummary"),
        using=schema_editor.connection.alias,
    )


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0013_content_summary")]

    operations = [migrations.RunPython(fill_content_summaries, migrations.RunPython.noop)]
