"""Fill the monthly revenue rollups of a database that already holds invoices (issue 17).

From then on the actions keep them in step. Historical models and one grouped sum per table, so
this migration stays valid whatever the app's code becomes. accrual: the issued invoices' net by
issue month; cash: the payments' net part minus the refunds' by their month.
"""

from collections import defaultdict
from decimal import Decimal

from django.db import migrations
from django.db.models import Sum
from django.db.models.functions import TruncMonth

CENT = Decimal("0.01")


def _grouped(rows, date_field, prefix):
    return (
        rows.annotate(m=TruncMonth(date_field))
        .values("m", f"{prefix}service_line_id", f"{prefix}client_id")
        .annotate(total=Sum("net_amount"))
        .order_by()
    )


def fill(apps, schema_editor):
    invoice, payment, refund = (apps.get_model("services", m) for m in ("Invoice", "Payment", "Refund"))
    totals = defaultdict(Decimal)
    for t in _grouped(invoice.objects.filter(status="issued"), "issue_date", ""):
        totals[("accrual", t["m"], t["service_line_id"], t["client_id"])] += Decimal(str(t["total"]))
    for rows, sign in ((payment.objects.all(), 1), (refund.objects.all(), -1)):
        for t in _grouped(rows, "date", "invoice__"):
            key = ("cash", t["m"], t["invoice__service_line_id"], t["invoice__client_id"])
            totals[key] += sign * Decimal(str(t["total"]))
    month_row = apps.get_model("services", "RevenueMonth")
    month_row.objects.bulk_create(
        [
            month_row(
                basis=basis, month=month, service_line_id=line, client_id=client, amount=amount.quantize(CENT)
            )
            for (basis, month, line, client), amount in totals.items()
            if amount.quantize(CENT)
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [("services", "0007_rollups")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
