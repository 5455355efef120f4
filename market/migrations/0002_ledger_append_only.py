"""The ledger's append-only triggers moved to the ledger app (ledger 0002_append_only)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("market", "0001_initial"), ("ledger", "0002_append_only")]
    operations = []
