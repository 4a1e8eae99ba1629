"""Give every approval made before the summaries its summary: the snapshot listing only the
largest clients (10, the pages' top list), what the pages read since issue 17."""

from django.db import migrations

TOP_CLIENTS = 10


def fill(apps, schema_editor):
    approval = apps.get_model("board", "YearApproval")
    for row in approval.objects.filter(event="approved", summary={}):
        row.summary = {
            basis: {**figures, "revenue_by_client": figures["revenue_by_client"][:TOP_CLIENTS]}
            for basis, figures in row.snapshot.items()
        }
        row.save(update_fields=["summary"])


class Migration(migrations.Migration):
    dependencies = [("board", "0003_approval_summary")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
