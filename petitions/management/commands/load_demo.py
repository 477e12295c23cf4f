"""Fill an empty database with the reference data and the sample petitions, and make a
local admin account, so `make run` shows a working site on a fresh machine."""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, call_command

from petitions.clerks import clerk_group_make
from petitions.models import ParliamentarySession, Petition

DEMO_ACCOUNTS = [
    # username, password, superuser
    ("admin", "admin", True),
    ("clerk", "clerk", False),
]


class Command(BaseCommand):
    help = "Load the demo data into an empty database and make local demo accounts."

    def handle(self, *args, **options):
        if not ParliamentarySession.objects.exists():
            call_command("loaddata", "reference", verbosity=0)
        if not Petition.objects.exists():
            call_command("loaddata", "sample_petitions", verbosity=0)
            self.stdout.write(f"Loaded {Petition.objects.count()} sample petitions.")
        # A flush keeps no groups: the Clerk group comes back as its migration made it.
        clerk_group = clerk_group_make(apps)
        User = get_user_model()
        for username, password, is_superuser in DEMO_ACCOUNTS:
            if User.objects.filter(username=username).exists():
                continue
            user = User.objects.create_user(
                username, password=password, is_staff=True, is_superuser=is_superuser
            )
            if not is_superuser:
                user.groups.add(clerk_group)
            self.stdout.write(f"Made the demo account {username!r} (password {password!r}).")
