"""
The strategy library now lives in provision (provision 0001): Django forgets the
models here and plan strategies point at provision.Strategy. The tables stay as
they are; no row is touched.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('provision', '0001_strategy_library'),
        ('reviews', '0003_agreements_withdrawn_when_draft_changes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
        migrations.RemoveField(
            model_name='strategy',
            name='created_by',
        ),
        migrations.RemoveField(
            model_name='strategy',
            name='school',
        ),
        migrations.AlterField(
            model_name='historicalplanstrategy',
            name='strategy',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='provision.strategy'),
        ),
        migrations.AlterField(
            model_name='planstrategy',
            name='strategy',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='provision.strategy'),
        ),
        migrations.DeleteModel(
            name='HistoricalStrategy',
        ),
        migrations.DeleteModel(
            name='Strategy',
        ),
                ],
        ),
    ]
