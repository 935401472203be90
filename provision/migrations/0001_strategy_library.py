"""
The strategy library moves here from reviews. Its tables keep their names
(reviews_strategy, reviews_historicalstrategy), so this changes Django's state only:
no row is touched and an existing database upgrades with `migrate`.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('sendhub', '0005_accesslog_command_runs'),
        ('reviews', '0003_agreements_withdrawn_when_draft_changes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
        migrations.CreateModel(
            name='HistoricalStrategy',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('broad_area', models.CharField(choices=[('CI', 'Communication and interaction'), ('CL', 'Cognition and learning'), ('SEMH', 'Social, emotional and mental health'), ('SP', 'Sensory and/or physical'), ('OTH', 'Other')], max_length=4, verbose_name='area of need')),
                ('layer', models.CharField(choices=[('universal', 'Universal'), ('targeted', 'Targeted'), ('targeted_plus', 'Targeted plus'), ('specialist', 'Specialist')], default='universal', max_length=20)),
                ('title', models.CharField(max_length=120)),
                ('text', models.TextField(verbose_name='what to do')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.TextField(null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('created_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('school', models.ForeignKey(blank=True, db_constraint=False, help_text="Empty for SENDhub's starter set.", null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='sendhub.school')),
            ],
            options={
                'verbose_name': 'historical strategy',
                'verbose_name_plural': 'historical strategies',
                'db_table': 'reviews_historicalstrategy',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Strategy',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('broad_area', models.CharField(choices=[('CI', 'Communication and interaction'), ('CL', 'Cognition and learning'), ('SEMH', 'Social, emotional and mental health'), ('SP', 'Sensory and/or physical'), ('OTH', 'Other')], max_length=4, verbose_name='area of need')),
                ('layer', models.CharField(choices=[('universal', 'Universal'), ('targeted', 'Targeted'), ('targeted_plus', 'Targeted plus'), ('specialist', 'Specialist')], default='universal', max_length=20)),
                ('title', models.CharField(max_length=120)),
                ('text', models.TextField(verbose_name='what to do')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('school', models.ForeignKey(blank=True, help_text="Empty for SENDhub's starter set.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='strategies', to='sendhub.school')),
            ],
            options={
                'verbose_name_plural': 'strategies',
                'db_table': 'reviews_strategy',
                'ordering': ['broad_area', 'layer', 'title', 'pk'],
                'constraints': [models.CheckConstraint(condition=models.Q(('broad_area__in', ['CI', 'CL', 'SEMH', 'SP', 'OTH'])), name='strategy_area_valid'), models.CheckConstraint(condition=models.Q(('layer__in', ['universal', 'targeted', 'targeted_plus', 'specialist'])), name='strategy_layer_valid')],
            },
        ),
                ],
        ),
    ]
