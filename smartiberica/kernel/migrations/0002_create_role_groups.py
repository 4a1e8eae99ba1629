"""Create the Board and Staff groups, so that no set-up step can forget them.

Their permissions are granted by `smartiberica.kernel.roles.sync_role_permissions`, run
after every `migrate` (permissions only exist once all apps are migrated).
"""

from typing import Any

from django.apps.registry import Apps
from django.db import migrations

ROLE_GROUPS = ("Board", "Staff")


def create_role_groups(apps: Apps, schema_editor: Any) -> None:
    Group = apps.get_model("auth", "Group")
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("smartiberica", "0001_dashboard_permission"),
    ]

    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
