from django.db import migrations, models


class Migration(migrations.Migration):
    """After every entry has its hash: no two entries of a plan follow the same one."""

    dependencies = [
        ("plans", "0007_fill_history_hashes"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='planchange',
            constraint=models.UniqueConstraint(condition=models.Q(('entry_hash', ''), _negated=True), fields=('plan', 'prev_hash'), name='planchange_chain_no_fork'),
        ),
    ]
