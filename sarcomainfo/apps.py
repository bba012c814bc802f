from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class ProjectConfig(AppConfig):
    """The project itself: settings, addresses, the admin site, backup and restore."""

    name = "sarcomainfo"


class EditorialAdminConfig(AdminConfig):
    """Django's admin, with the editors' dashboard as its front page."""

    default_site = "sarcomainfo.admin_site.EditorialAdminSite"
