import secrets

from django.db import migrations

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def fill_share_codes(apps, schema_editor):
    Plan = apps.get_model("plans", "Plan")
    used = set(Plan.objects.exclude(share_code=None).values_list("share_code", flat=True))
    for plan in Plan.objects.filter(share_code=None).only("pk").iterator():
        code = "".join(secrets.choice(ALPHABET) for _ in range(8))
        while code in used:
            code = "".join(secrets.choice(ALPHABET) for _ in range(8))
        used.add(code)
        Plan.objects.filter(pk=plan.pk).update(share_code=code)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0003_plan_share_code"),
    ]

    operations = [migrations.RunPython(fill_share_codes, migrations.RunPython.noop)]
