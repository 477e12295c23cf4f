from django.contrib.auth.management import create_permissions
from django.db import migrations

from petitions.clerks import clerk_group_make

def make_clerk_group(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now so the group
    # can hold them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    clerk_group_make(apps)


def remove_clerk_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Clerk").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0001_initial"),
        ("responses", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(make_clerk_group, remove_clerk_group)]
