"""Reconciliation: every account's stored balance equals the sum of its entries.

The entries are the truth; the balance is their running sum, kept by each posting. One statement
checks every account (a consistent snapshot, so it may run while postings go on), and the latest
entry's `balance_after` must agree too.
"""

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

from .models import Account, Entry, summed

log = logging.getLogger("tokenhub.ledger")

DIFFERENCES_SQL = """
SELECT a.id, a.balance, COALESCE(s.total, 0), s.latest
FROM {account} a LEFT JOIN (
  SELECT e.account_id, SUM(e.amount) AS total,
         (SELECT x.balance_after FROM {entry} x WHERE x.account_id = e.account_id
          ORDER BY x.transaction_id DESC, x.id DESC LIMIT 1) AS latest
  FROM {entry} e GROUP BY e.account_id
) s ON s.account_id = a.id
"""


@dataclass(frozen=True)
class Difference:
    account_id: int
    balance: Decimal
    entries_sum: Decimal
    latest_balance_after: Decimal | None

    def __str__(self) -> str:
        return _(
            "account %(id)s: balance %(balance)s, sum of entries %(sum)s, "
            "latest entry says %(latest)s"
        ) % {
            "id": self.account_id,
            "balance": self.balance,
            "sum": self.entries_sum,
            "latest": self.latest_balance_after,
        }


def differences() -> list[Difference]:
    """Every account whose balance is not the sum of its entries (or not its latest entry's)."""
    sql = DIFFERENCES_SQL.format(account=Account._meta.db_table, entry=Entry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    found = []
    for pk, balance, total, latest in rows:
        balance, total = summed(balance), summed(total)
        latest = None if latest is None else summed(latest)
        if balance != total or (latest is not None and latest != balance):
            found.append(Difference(pk, balance, total, latest))
    return found


def reconcile_and_alert() -> list[Difference]:
    """Run the reconciliation; on any difference, log it and e-mail whoever receives its alerts
    (management, through the `ledger.reconciliation_alerts` permission)."""
    found = differences()
    if not found:
        log.info("ledger reconciled", extra={"accounts_differing": 0})
        return found
    log.error("ledger does not reconcile", extra={"accounts_differing": len(found)})
    recipients = _alert_recipients()
    if recipients:
        body = "\n".join(str(d) for d in found)
        subject = _("[Tokenhub] The ledger does not reconcile: %(n)s account(s)") % {
            "n": len(found)
        }
        send_mail(subject, body, None, recipients)
    return found


def _alert_recipients() -> list[str]:
    perm = Q(user_permissions__codename="reconciliation_alerts") | Q(
        groups__permissions__codename="reconciliation_alerts"
    )
    users = get_user_model().objects.filter(perm | Q(is_superuser=True), is_active=True)
    return sorted({u.email for u in users.distinct() if u.email})
