from django.contrib import admin
from django.utils import timezone

from reviews.dashboard import dashboard


class EditorialAdminSite(admin.AdminSite):
    """The admin, with the editors' dashboard as its front page."""

    site_header = "sarcomainfo editorial"
    site_title = "sarcomainfo editorial"
    index_title = "Dashboard"

    def index(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "dashboard": dashboard(request.user, timezone.localdate()),
        }
        return super().index(request, extra_context)
