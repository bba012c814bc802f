"""Public pages kept whole, ready to send, and dropped the moment anything readers see changes.

A public page is the same for every reader until someone publishes, so it is rendered once per
edition of the site (see `SiteEdition`) and then sent from the cache. Each request reads the
current edition from the database, so the first request after a publication commits, on any
instance, gets a page built from the new state: invalidation is exact, with no timers.

The middleware sits just after WhiteNoise, before sessions, CSRF and authentication, so a cached
page costs one small query and one cache read. Only views wrapped in `public_page` are cached,
and only answers that set no cookie: anything per reader (the feedback form's CSRF token,
messages) lives on pages that are not cached.
"""

import hashlib
import logging
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from therapies.models import SiteEdition

logger = logging.getLogger(__name__)

# Headers made afresh for each answer rather than replayed from the cache.
NOT_REPLAYED = {
    "content-length",
    "set-cookie",
    "date",
    "expires",
    "etag",
    "last-modified",
    "cache-control",
    "x-page-cache",
}
MESSAGES_COOKIE = "messages"


def public_page(view):
    """Mark a view's answers as the same for every reader, so they may be cached whole."""

    @wraps(view)
    def marked(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.public_page = True
        return response

    return marked


class CachedPage:
    def __init__(self, response: HttpResponse, edition: SiteEdition):
        self.status = response.status_code
        self.headers = [(k, v) for k, v in response.items() if k.lower() not in NOT_REPLAYED]
        self.body = response.content
        self.etag = f'"{hashlib.sha256(self.body).hexdigest()[:32]}"'
        # Pages change when the site does, and at midnight (a review can fall due).
        midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        self.last_modified = int(max(edition.changed_at, midnight).timestamp())

    def response(self, request, served_from: str) -> HttpResponse:
        response = HttpResponse(b"" if request.method == "HEAD" else self.body, status=self.status)
        for header, value in self.headers:
            response[header] = value
        response["ETag"] = self.etag
        response["Last-Modified"] = http_date(self.last_modified)
        response["X-Page-Cache"] = served_from
        patch_cache_control(response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE)
        if not settings.PUBLIC_PAGE_MAX_AGE:
            patch_cache_control(response, must_revalidate=True)
        # A browser or CDN holding this page asks again with its ETag: 304 if unchanged.
        return get_conditional_response(
            request, etag=self.etag, last_modified=self.last_modified, response=response
        )


def page_key(request, edition: SiteEdition) -> str:
    address = request.build_absolute_uri(request.get_full_path())
    digest = hashlib.sha256(address.encode()).hexdigest()[:40]
    return f"public-page:{edition.token}:{timezone.localdate():%Y%m%d}:{digest}"


def cacheable(response) -> bool:
    return (
        getattr(response, "public_page", False)
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
    )


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # A reader with a message waiting gets a page made for them, with the message.
        if request.method not in ("GET", "HEAD") or MESSAGES_COOKIE in request.COOKIES:
            return self.get_response(request)
        edition = SiteEdition.objects.current()
        key = page_key(request, edition)
        page = self.cached(key)
        if page is not None:
            return page.response(request, "hit")
        response = self.get_response(request)
        if not cacheable(response):
            return response
        page = CachedPage(response, edition)
        self.keep(key, page)
        return page.response(request, "miss")

    def cached(self, key):
        try:
            return cache.get(key)
        except Exception:
            # A cache that is down slows pages; it must never stop them.
            logger.warning("Page cache unavailable; rendering the page", exc_info=True)
            return None

    def keep(self, key, page):
        try:
            cache.set(key, page, timeout=settings.PUBLIC_PAGE_CACHE_SECONDS)
        except Exception:
            logger.warning("Page cache unavailable; page not kept", exc_info=True)
