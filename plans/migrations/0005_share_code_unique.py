import plans.models
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0004_fill_share_codes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="plan",
            name="share_code",
            field=models.CharField(
                default=plans.models.new_share_code, editable=False, max_length=8, unique=True
            ),
        ),
    ]
