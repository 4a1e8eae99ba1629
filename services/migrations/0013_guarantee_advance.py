"""The guarantee fund's advances to members (issue 22), and, on PostgreSQL, their period lock.

The trigger refuses raw SQL that would change a closed year, with the rule of
`GuaranteeAdvance.validate_constraints`: an advance paid or recovered in a closed year is
refused like any record, except that its recovery alone (recorded, moved or undone in open years)
may change after the year it was paid in closed.
"""

import datetime

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

import smartiberica.kernel.dates

TRIGGER = """
CREATE OR REPLACE FUNCTION services_guaranteeadvance_open_year() RETURNS trigger AS $$
DECLARE
    kept services_guaranteeadvance;
    touched int[];
    closed int;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW IS NOT DISTINCT FROM OLD THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' THEN
        touched := ARRAY[EXTRACT(YEAR FROM NEW.date)::int, EXTRACT(YEAR FROM NEW.recovered_on)::int];
    ELSIF TG_OP = 'DELETE' THEN
        touched := ARRAY[EXTRACT(YEAR FROM OLD.date)::int, EXTRACT(YEAR FROM OLD.recovered_on)::int];
    ELSE
        kept := NEW;
        kept.recovered_on := OLD.recovered_on;
        IF kept IS DISTINCT FROM OLD THEN
            -- More than the recovery changes: every year the row was or will be dated in.
            touched := ARRAY[EXTRACT(YEAR FROM OLD.date)::int, EXTRACT(YEAR FROM NEW.date)::int,
                             EXTRACT(YEAR FROM OLD.recovered_on)::int, EXTRACT(YEAR FROM NEW.recovered_on)::int];
        ELSE
            -- Only the recovery: the years it leaves and enters.
            touched := ARRAY[EXTRACT(YEAR FROM OLD.recovered_on)::int, EXTRACT(YEAR FROM NEW.recovered_on)::int];
        END IF;
    END IF;
    SELECT year INTO closed FROM smartiberica_closedyear WHERE year = ANY(touched) ORDER BY year LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'year % is closed', closed USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS services_guaranteeadvance_open_year_trg ON services_guaranteeadvance;
CREATE TRIGGER services_guaranteeadvance_open_year_trg BEFORE INSERT OR UPDATE OR DELETE
    ON services_guaranteeadvance FOR EACH ROW EXECUTE FUNCTION services_guaranteeadvance_open_year();
"""
DROP = """
DROP TRIGGER IF EXISTS services_guaranteeadvance_open_year_trg ON services_guaranteeadvance;
DROP FUNCTION IF EXISTS services_guaranteeadvance_open_year();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # None: the SQL holds % signs (RAISE) that are not query parameters.
        schema_editor.execute(TRIGGER, None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, None)


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0012_client_payment_terms_and_vat_regime"),
        ("smartiberica", "0005_closed_year"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalGuaranteeAdvance",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                (
                    "member_reference",
                    models.CharField(
                        help_text="The member's number or name, as the cooperative knows them.",
                        max_length=60,
                        verbose_name="member",
                    ),
                ),
                (
                    "amount",
                    models.DecimalField(decimal_places=2, max_digits=14, verbose_name="amount advanced"),
                ),
                (
                    "date",
                    models.DateField(
                        validators=[smartiberica.kernel.dates.validate_record_date], verbose_name="date paid"
                    ),
                ),
                (
                    "recovered_on",
                    models.DateField(
                        blank=True,
                        help_text="The day the client paid and the fund got the advance back; empty while outstanding.",
                        null=True,
                        validators=[smartiberica.kernel.dates.validate_record_date],
                        verbose_name="recovered on",
                    ),
                ),
                ("notes", models.TextField(blank=True, verbose_name="notes")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "invoice",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="The member's invoice to their client, issued and not paid yet.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="services.invoice",
                        verbose_name="invoice",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical guarantee fund advance",
                "verbose_name_plural": "historical guarantee fund advances",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="GuaranteeAdvance",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "member_reference",
                    models.CharField(
                        help_text="The member's number or name, as the cooperative knows them.",
                        max_length=60,
                        verbose_name="member",
                    ),
                ),
                (
                    "amount",
                    models.DecimalField(decimal_places=2, max_digits=14, verbose_name="amount advanced"),
                ),
                (
                    "date",
                    models.DateField(
                        validators=[smartiberica.kernel.dates.validate_record_date], verbose_name="date paid"
                    ),
                ),
                (
                    "recovered_on",
                    models.DateField(
                        blank=True,
                        help_text="The day the client paid and the fund got the advance back; empty while outstanding.",
                        null=True,
                        validators=[smartiberica.kernel.dates.validate_record_date],
                        verbose_name="recovered on",
                    ),
                ),
                ("notes", models.TextField(blank=True, verbose_name="notes")),
                (
                    "invoice",
                    models.ForeignKey(
                        help_text="The member's invoice to their client, issued and not paid yet.",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="guarantee_advances",
                        to="services.invoice",
                        verbose_name="invoice",
                    ),
                ),
            ],
            options={
                "verbose_name": "guarantee fund advance",
                "verbose_name_plural": "guarantee fund advances",
                "ordering": ["-date", "-id"],
                "indexes": [
                    models.Index(fields=["date"], name="services_advance_date_idx"),
                    models.Index(fields=["recovered_on"], name="services_advance_recovered_idx"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("amount__gt", 0)),
                        name="services_advance_amount_positive",
                        violation_error_message="An advance must be greater than zero.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("recovered_on__isnull", True),
                            ("recovered_on__gte", models.F("date")),
                            _connector="OR",
                        ),
                        name="services_advance_recovered_after_paid",
                        violation_error_message="An advance cannot be recovered before the day it was paid.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("date__gte", datetime.date(1990, 1, 1))),
                        name="services_advance_date_from_1990",
                        violation_error_message="Dates cannot be earlier than 1990.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("recovered_on__gte", datetime.date(1990, 1, 1)),
                            ("recovered_on__isnull", True),
                            _connector="OR",
                        ),
                        name="services_advance_recovered_from_1990",
                        violation_error_message="Dates cannot be earlier than 1990.",
                    ),
                ],
            },
        ),
        migrations.RunPython(create_trigger, drop_trigger),
    ]
