from django.contrib.admin.apps import AdminConfig


class ArchiveAdminConfig(AdminConfig):
    default_site = "petitions_site.admin.ArchiveAdminSite"
