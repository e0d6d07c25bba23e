from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0002_planchange_plan_version"),
    ]

    operations = [
        # Nullable first: existing plans get their codes in the next migration.
        migrations.AddField(
            model_name="plan",
            name="share_code",
            field=models.CharField(editable=False, max_length=8, null=True),
        ),
    ]
