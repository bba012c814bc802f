from django.contrib.admin.apps import AdminConfig


class EditorialAdminConfig(AdminConfig):
    """Django's admin, with the editors' dashboard as its front page."""

    default_site = "sarcomainfo.admin_site.EditorialAdminSite"
