"""Fill the month-and-line and the client-and-year revenue rollups from the detail rows (issue 17).

`RevenueMonth` (filled by 0008 and kept since by the actions) holds every sum by month, line and
client; the two new shapes are its totals, two grouped queries whatever the number of records.
Historical models, so this migration stays valid whatever the app's code becomes.
"""

from decimal import Decimal

from django.db import migrations
from django.db.models import Sum
from django.db.models.functions import ExtractYear

CENT = Decimal("0.01")


def fill(apps, schema_editor):
    detail = apps.get_model("services", "RevenueMonth").objects.order_by()
    line_month = apps.get_model("services", "RevenueLineMonth")
    client_year = apps.get_model("services", "RevenueClientYear")
    lines = detail.values("basis", "month", "service_line_id").annotate(total=Sum("amount"))
    line_month.objects.bulk_create(
        [
            line_month(
                basis=t["basis"], month=t["month"], service_line_id=t["service_line_id"], amount=amount
            )
            for t in lines
            if (amount := Decimal(str(t["total"])).quantize(CENT))
        ],
        batch_size=1000,
    )
    clients = (
        detail.annotate(y=ExtractYear("month"))
        .values("basis", "y", "client_id")
        .annotate(total=Sum("amount"))
    )
    client_year.objects.bulk_create(
        [
            client_year(basis=t["basis"], year=t["y"], client_id=t["client_id"], amount=amount)
            for t in clients
            if (amount := Decimal(str(t["total"])).quantize(CENT))
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [("services", "0009_rollups_by_line_and_client")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
