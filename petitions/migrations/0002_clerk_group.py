from django.contrib.auth.management import create_permissions
from django.db import migrations

# What a clerk does: enter and correct petitions and everything a petition refers to.
# Deleting a petition is left to superusers; removing a window, a province row or a
# response is part of correcting a petition. Users, groups and history are not theirs.
CLERK_PERMISSIONS = {
    "petitions": {
        "petition": ["add", "change", "view"],
        "signaturewindow": ["add", "change", "delete", "view"],
        "provincesignaturecount": ["add", "change", "delete", "view"],
        "member": ["add", "change", "view"],
        "ministry": ["add", "change", "view"],
        "topic": ["add", "change", "view"],
        "keyword": ["add", "change", "view"],
        "caucus": ["view"],
        "parliamentarysession": ["view"],
    },
    "responses": {
        "governmentresponse": ["add", "change", "delete", "view"],
    },
}


def make_clerk_group(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now so the group
    # can hold them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Clerk")
    codenames = [
        (app_label, f"{action}_{model}")
        for app_label, models in CLERK_PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    ]
    permissions = [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in codenames
    ]
    group.permissions.set(permissions)


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
