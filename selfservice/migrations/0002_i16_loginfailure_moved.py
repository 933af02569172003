# LoginFailure now belongs to accounts (accounts/migrations/0003_i16_loginfailure_moved),
# which keeps the table: only the model leaves selfservice's state.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('selfservice', '0001_initial'),
        ('accounts', '0003_i16_loginfailure_moved'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='LoginFailure')],
        ),
    ]
