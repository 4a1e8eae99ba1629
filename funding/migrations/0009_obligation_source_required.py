"""Every obligation is owed to a funding source (filled from its agreement by 0008)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0008_obligations_of_any_source"),
    ]

    operations = [
        migrations.AlterField(
            model_name="obligation",
            name="source",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="obligations",
                to="funding.fundingsource",
                verbose_name="funding source",
            ),
        ),
    ]
