from django.contrib.auth.management import create_permissions
from django.db import migrations

from petitions.clerks import clerk_group_make
from petitions.reference import reference_make


def make_reference_data(apps, schema_editor):
    reference_make(apps, schema_editor.connection.alias)


def give_clerks_sessions(apps, schema_editor):
    # A clerk adds a new session and corrects one: the group as CLERK_PERMISSIONS has it.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    clerk_group_make(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0018_pending_uploads"),
    ]

    operations = [
        migrations.RunPython(make_reference_data, migrations.RunPython.noop),
        migrations.RunPython(give_clerks_sessions, migrations.RunPython.noop),
    ]
