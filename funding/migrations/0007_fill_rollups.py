"""Fill the monthly rollups of a database that already holds receipts and expenses (issue 17).

From then on the actions keep them in step. Historical models and one grouped sum per table, so
this migration stays valid whatever the app's code becomes.
"""

from decimal import Decimal

from django.db import migrations
from django.db.models import Sum
from django.db.models.functions import TruncMonth

CENT = Decimal("0.01")


def fill(apps, schema_editor):
    for record, rollup, key in (
        ("FundingReceipt", "ReceiptMonth", "source_id"),
        ("Expense", "ExpenseMonth", "category_id"),
    ):
        records, rows = apps.get_model("funding", record), apps.get_model("funding", rollup)
        totals = (
            records.objects.annotate(m=TruncMonth("date"))
            .values("m", key)
            .annotate(total=Sum("amount"))
            .order_by()
        )
        rows.objects.bulk_create(
            [
                rows(month=t["m"], amount=Decimal(str(t["total"])).quantize(CENT), **{key: t[key]})
                for t in totals
                if t["total"]
            ],
            batch_size=1000,
        )


class Migration(migrations.Migration):
    dependencies = [("funding", "0006_rollups")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
