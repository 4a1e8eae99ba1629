"""Fill the rollups 0014 adds on a database that already holds invoices (issue 17).

From then on the actions keep them in step (`services.actions.receivable_rollups`, the revenue
rollups' refresh). Historical models and grouped sums, so this migration stays valid whatever the
app's code becomes; the definitions are those of `services.settlement`,
`services.payment_days` and `services.partner_shares`.
"""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations
from django.db.models import Count, F, Max, Sum
from django.db.models.functions import Coalesce, TruncMonth

CENT = Decimal("0.01")
HALF_CENT = Decimal("0.005")


def _money(value):
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def _by_invoice(rows, key, total, last):
    return {
        row[key]: (_money(row["t"]), row["l"])
        for row in rows.values(key).annotate(t=Sum(total), l=Max(last)).order_by()
    }


def fill_settlements(apps, schema_editor):
    invoice = apps.get_model("services", "Invoice")
    payment, refund = apps.get_model("services", "Payment"), apps.get_model("services", "Refund")
    settlement = apps.get_model("services", "InvoiceSettlement")
    receivable = apps.get_model("services", "ReceivableClient")
    days = apps.get_model("services", "PaymentDaysYear")
    notes = _by_invoice(
        invoice.objects.filter(status="issued", corrects__isnull=False),
        "corrects_id",
        "gross_amount",
        "issue_date",
    )
    paid = _by_invoice(payment.objects.all(), "invoice_id", "amount", "date")
    refunded = _by_invoice(refund.objects.all(), "invoice_id", "amount", "date")
    rows, clients = [], defaultdict(lambda: [Decimal(0), 0, None])
    ordinary = invoice.objects.filter(status="issued", corrects__isnull=True).order_by()
    for pk, client, due_date, gross, issued in ordinary.values_list(
        "pk", "client_id", "due_date", "gross_amount", "issue_date"
    ).iterator(chunk_size=10000):
        moves = [m for m in (notes.get(pk), paid.get(pk), refunded.get(pk)) if m]
        due = _money(gross) + sum((m[0] for m in (notes.get(pk), refunded.get(pk)) if m), Decimal(0))
        due -= paid[pk][0] if pk in paid else Decimal(0)
        due = due if due > HALF_CENT else Decimal("0.00")
        rows.append(settlement(invoice_id=pk, client_id=client, due_date=due_date, amount_due=due,
                               last_event_on=max([issued, *(m[1] for m in moves)])))  # fmt: skip
        if due > 0:
            sums = clients[client]
            sums[0] += due
            sums[1] += 1
            sums[2] = due_date if sums[2] is None else min(sums[2], due_date)
        if len(rows) >= 10000:
            settlement.objects.bulk_create(rows)
            rows = []
    settlement.objects.bulk_create(rows)
    receivable.objects.bulk_create(
        [
            receivable(client_id=pk, amount=s[0], invoices=s[1], oldest_due_date=s[2])
            for pk, s in clients.items()
        ],
        batch_size=1000,
    )
    sums = defaultdict(lambda: [Decimal(0), Decimal(0), 0])
    for client, issued, paid_on, total, count in (
        payment.objects.order_by()
        .values_list("invoice__client_id", "invoice__issue_date", "date")
        .annotate(t=Sum("amount"), n=Count("pk"))
        .iterator(chunk_size=10000)
    ):
        entry = sums[paid_on.year, client]
        entry[0] += _money(total)
        entry[1] += _money(total) * (paid_on - issued).days
        entry[2] += count
    days.objects.bulk_create(
        [
            days(year=y, client_id=c, amount=s[0], amount_days=s[1], payments=s[2])
            for (y, c), s in sums.items()
        ],
        batch_size=1000,
    )


def _parts(rows, date_field, prefix, share):
    parts = defaultdict(Decimal)
    grouped = (
        rows.annotate(m=TruncMonth(date_field), share=share)
        .filter(share__isnull=False)
        .values_list("m", f"{prefix}service_line_id", f"{prefix}client_id", "share", "net_amount")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for month, line, client, share, net, count in grouped:
        part = (_money(net) * share / 100).quantize(CENT, rounding=ROUND_HALF_UP)
        parts[month, line, client] += part * count
    return parts


def fill_partner_shares(apps, schema_editor):
    invoice = apps.get_model("services", "Invoice")
    payment, refund = apps.get_model("services", "Payment"), apps.get_model("services", "Refund")
    month_row, line_row = (
        apps.get_model("services", "RevenueMonth"),
        apps.get_model("services", "RevenueLineMonth"),
    )
    accrual = _parts(
        invoice.objects.filter(status="issued"),
        "issue_date",
        "",
        Coalesce(F("contract__partner_share"), F("corrects__contract__partner_share")),
    )
    cash = _parts(payment.objects.all(), "date", "invoice__", F("invoice__contract__partner_share"))
    for key, part in _parts(
        refund.objects.all(), "date", "invoice__", F("invoice__contract__partner_share")
    ).items():
        cash[key] -= part
    lines = defaultdict(Decimal)
    for basis, parts in (("accrual", accrual), ("cash", cash)):
        for (month, line, client), part in parts.items():
            if part == 0:
                continue
            month = month.date() if hasattr(month, "date") else month
            updated = month_row.objects.filter(
                basis=basis, month=month, service_line_id=line, client_id=client
            ).update(partner_shares=part)
            if not updated:
                month_row.objects.create(
                    basis=basis,
                    month=month,
                    service_line_id=line,
                    client_id=client,
                    amount=0,
                    partner_shares=part,
                )
            lines[basis, month, line] += part
    for (basis, month, line), part in lines.items():
        if part == 0:
            continue
        updated = line_row.objects.filter(basis=basis, month=month, service_line_id=line).update(
            partner_shares=part
        )
        if not updated:
            line_row.objects.create(
                basis=basis, month=month, service_line_id=line, amount=0, partner_shares=part
            )


class Migration(migrations.Migration):
    dependencies = [("services", "0014_receivables_rollups")]

    operations = [
        migrations.RunPython(fill_settlements, migrations.RunPython.noop),
        migrations.RunPython(fill_partner_shares, migrations.RunPython.noop),
    ]
