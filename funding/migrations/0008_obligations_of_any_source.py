"""Obligations for every funding source (issue 21): a source, a kind and a document reference;
the agreement becomes optional.

The existing obligations (and their history rows) get the source of their agreement. Historical
models and one UPDATE per table, so this migration stays valid whatever the app's code becomes.
The source becomes required in the next migration: on PostgreSQL a table cannot be altered in the
transaction that updated it while its deferred foreign-key checks are pending.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_sources(apps, schema_editor):
    agreements = apps.get_model("funding", "SupportAgreement")
    source_of_agreement = Subquery(
        agreements.objects.filter(pk=OuterRef("agreement_id")).values("source_id")[:1]
    )
    for name in ("Obligation", "HistoricalObligation"):
        model = apps.get_model("funding", name)
        model.objects.filter(source__isnull=True, agreement__isnull=False).update(
            source_id=source_of_agreement
        )


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0007_fill_rollups"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalobligation",
            name="document_reference",
            field=models.CharField(
                blank=True,
                help_text="Where the document is: a file name or a register number.",
                max_length=120,
                verbose_name="document reference",
            ),
        ),
        migrations.AddField(
            model_name="historicalobligation",
            name="kind",
            field=models.CharField(
                choices=[
                    ("report", "report"),
                    ("audit", "audit"),
                    ("covenant", "covenant"),
                    ("other", "other"),
                ],
                default="report",
                max_length=20,
                verbose_name="kind",
            ),
        ),
        migrations.AddField(
            model_name="historicalobligation",
            name="source",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="funding.fundingsource",
                verbose_name="funding source",
            ),
        ),
        migrations.AddField(
            model_name="obligation",
            name="document_reference",
            field=models.CharField(
                blank=True,
                help_text="Where the document is: a file name or a register number.",
                max_length=120,
                verbose_name="document reference",
            ),
        ),
        migrations.AddField(
            model_name="obligation",
            name="kind",
            field=models.CharField(
                choices=[
                    ("report", "report"),
                    ("audit", "audit"),
                    ("covenant", "covenant"),
                    ("other", "other"),
                ],
                default="report",
                max_length=20,
                verbose_name="kind",
            ),
        ),
        migrations.AddField(
            model_name="obligation",
            name="source",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="obligations",
                to="funding.fundingsource",
                verbose_name="funding source",
            ),
        ),
        migrations.AlterField(
            model_name="historicalobligation",
            name="agreement",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The support agreement it is owed under, if any: an agreement with the same source.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="funding.supportagreement",
                verbose_name="agreement",
            ),
        ),
        migrations.AlterField(
            model_name="obligation",
            name="agreement",
            field=models.ForeignKey(
                blank=True,
                help_text="The support agreement it is owed under, if any: an agreement with the same source.",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="obligations",
                to="funding.supportagreement",
                verbose_name="agreement",
            ),
        ),
        migrations.AddConstraint(
            model_name="obligation",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", ["report", "audit", "covenant", "other"])),
                name="obligation_kind_valid",
            ),
        ),
        migrations.RunPython(fill_sources, migrations.RunPython.noop),
    ]
