from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from therapies.page_cache import public_page
from therapies.sitemaps import GlossarySitemap, PublishedPageSitemap

urlpatterns = [
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
