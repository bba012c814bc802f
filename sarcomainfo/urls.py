from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from reviews.admin import evidence
from reviews.admin.declarations import my_declaration_view
from therapies.page_cache import public_page
from therapies.sitemaps import GlossarySitemap, PublishedPageSitemap

urlpatterns = [
    # Pages of the admin that belong to no one model, before the admin's own (its catch-all
    # would take their addresses), inside its login.
    path(
        "admin/my-declaration/",
        admin.site.admin_view(my_declaration_view),
        name="my_declaration",
    ),
    path(
        "admin/reviews/evidence/",
        admin.site.admin_view(evidence.evidence_view),
        name="reviews_evidence",
    ),
    path(
        "admin/reviews/evidence/pack.zip",
        admin.site.admin_view(evidence.pack_view),
        name="reviews_evidence_pack",
    ),
    path("admin/", admin.site.urls),
    path(
        "sitemap.xml",
        public_page(sitemap),
        {"sitemaps": {"pages": PublishedPageSitemap, "glossary": GlossarySitemap}},
        name="sitemap",
    ),
    path("", include("therapies.urls")),
]

# While the database is unreachable: a 503 that says to try again, not a bare 500.
handler500 = "sarcomainfo.errors.server_error"
handler403 = "sarcomainfo.errors.permission_denied"
