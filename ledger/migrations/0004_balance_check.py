# The balances checked by PostgreSQL, their index and the public id made unique (after 0003 backfills).

import uuid
from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('divisions', '0001_initial'),
        ('ledger', '0003_balances'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='account',
            options={'ordering': ['asset', 'division', 'kind'], 'permissions': [('reconciliation_alerts', "Receives the reconciliation's alerts")]},
        ),
        migrations.AlterField(
            model_name='account',
            name='balance',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), editable=False, help_text="The sum of its entries, kept by each posting under the account's row lock.", max_digits=20),
        ),
        migrations.AlterField(
            model_name='entry',
            name='balance_after',
            field=models.DecimalField(decimal_places=2, help_text="The account's balance after this entry.", max_digits=20),
        ),
        migrations.AlterField(
            model_name='ledgertransaction',
            name='public_id',
            field=models.UUIDField(default=uuid.uuid4, editable=False, help_text='Shown to divisions instead of the sequential id, which would reveal how many transactions others posted in between.', unique=True, verbose_name='public id'),
        ),
        migrations.AddIndex(
            model_name='entry',
            index=models.Index(fields=['account', 'transaction'], name='entry_account_txn'),
        ),
        migrations.AddConstraint(
            model_name='account',
            constraint=models.CheckConstraint(condition=models.Q(('division__isnull', True), ('balance__gte', 0), _connector='OR'), name='account_division_balance_not_negative'),
        ),
    ]
