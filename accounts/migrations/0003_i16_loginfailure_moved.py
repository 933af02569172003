# LoginFailure moves from selfservice down to accounts (issue 16: the staff reset
# request shares its throttle, and accounts may not import selfservice). The rows
# stay: the model is taken over as it is, then its table is renamed.

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_mtm_staff_group'),
        ('selfservice', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.CreateModel(
            name='LoginFailure',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('channel', models.CharField(choices=[('mina_sidor', 'My pages'), ('api', 'Login check'), ('reset', 'Password reset request')], max_length=10, verbose_name='channel')),
                ('account', models.CharField(max_length=64, verbose_name='account (keyed hash)')),
                ('source', models.CharField(blank=True, max_length=64, verbose_name='source (keyed hash)')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='when')),
            ],
            options={
                'verbose_name': 'failed borrower login',
                'verbose_name_plural': 'failed borrower logins',
                'indexes': [models.Index(fields=['channel', 'account', 'at'], name='loginfailure_account_idx'), models.Index(fields=['channel', 'source', 'at'], name='loginfailure_source_idx'), models.Index(fields=['at'], name='loginfailure_at_idx')],
                'db_table': 'selfservice_loginfailure',
            },
        )]),
        migrations.AlterModelTable(name='loginfailure', table=None),
    ]
