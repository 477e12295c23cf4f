"""The Clerk group: what a clerk may do in the admin. Made by a data migration on a new
database, and again by `load_demo` after a `flush` (which keeps no groups)."""

from django.db.models import Q

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


def clerk_group_make(apps):
    """The Clerk group with exactly CLERK_PERMISSIONS; `apps` is a migration's app
    registry or django.apps.apps. The permissions must exist already."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    granted = Q(pk__in=[])
    for app_label, models in CLERK_PERMISSIONS.items():
        for model, actions in models.items():
            codenames = [f"{action}_{model}" for action in actions]
            granted |= Q(content_type__app_label=app_label, codename__in=codenames)
    group, _ = Group.objects.get_or_create(name="Clerk")
    group.permissions.set(Permission.objects.filter(granted))
    return group
