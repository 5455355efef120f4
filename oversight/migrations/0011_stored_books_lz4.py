"""Stored books compress with lz4 on PostgreSQL: a 100k-order book is 5 MB of JSON, and writing
it with pglz, the default, took 0.21 s of the clearing transaction (lz4: 0.13 s;
bench/settle_bench.py). A server built without lz4 keeps pglz."""

from django.db import DatabaseError, migrations, transaction

COMPRESSION = "ALTER TABLE oversight_clearinginputs ALTER COLUMN book SET COMPRESSION {}"


def lz4(apps, schema_editor):
    _compression(schema_editor, "lz4")


def pglz(apps, schema_editor):
    _compression(schema_editor, "pglz")


def _compression(schema_editor, method):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute(COMPRESSION.format(method))
    except DatabaseError:  # built without lz4
        pass


class Migration(migrations.Migration):
    dependencies = [("oversight", "0010_labels_of_shares_and_deliveries")]

    operations = [migrations.RunPython(lz4, pglz)]
