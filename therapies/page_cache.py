"""Public pages kept whole, ready to send, and dropped the moment anything readers see changes.

A public page is the same for every reader until someone publishes, so it is rendered once per
edition of the site (see `SiteEdition`) and then sent from memory. Every change to what readers
see starts a new edition in the same transaction. Each process reads the current edition at
most once a second (PUBLIC_PAGE_EDITION_CHECK_SECONDS), and each change holds its own request
for that second after committing: so once a publication or withdrawal has returned, the very
next request on any instance is answered from the new edition. Exact, and readers' requests
cost no database query.

The middleware sits just after WhiteNoise, before sessions, CSRF and authentication. A cached
page is looked up in this process's memory, then in the shared cache (Redis, which another
instance may have filled), and only then rendered. Only views wrapped in `public_page` are
looked up and cached, and only answers that set no cookie: anything per reader (the feedback
form's CSRF token, messages) lives on pages that are not cached.
"""

import hashlib
import logging
import threading
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from therapies import search
from therapies.editions import edition_clock
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
        return view(request, *args, **kwargs)

    marked.public_page = True
    return marked


def _serves_public_page(request) -> bool:
    """Whether the address belongs to a `public_page` view: only those are looked up, so the
    admin and the feedback pages never cost a cache look-up or an edition read."""
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return False
    return getattr(view, "public_page", False)


class CachedPage:
    """A page's bytes and headers, ready to send again; made once per edition and address."""

    def __init__(self, response: HttpResponse, edition: SiteEdition):
        self.status = response.status_code
        self.body = response.content
        self.etag = f'"{hashlib.sha256(self.body).hexdigest()[:32]}"'
        # Pages change when the site does, and at midnight (a review can fall due).
        midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        self.last_modified = int(max(edition.changed_at, midnight).timestamp())
        headers = HttpResponse()
        for header, value in response.items():
            if header.lower() not in NOT_REPLAYED:
                headers[header] = value
        headers["ETag"] = self.etag
        headers["Last-Modified"] = http_date(self.last_modified)
        patch_cache_control(headers, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE)
        if not settings.PUBLIC_PAGE_MAX_AGE:
            patch_cache_control(headers, must_revalidate=True)
        self.headers = list(headers.items())
        # A search that found nothing is counted each time it is answered, cached or not.
        self.unanswered_search = getattr(response, "unanswered_search", "")

    def response(self, request, served_from: str) -> HttpResponse:
        head = request.method == "HEAD"
        response = HttpResponse(b"" if head else self.body, status=self.status)
        response.unanswered_search = getattr(self, "unanswered_search", "")  # older pickles
        for header, value in self.headers:
            response[header] = value
        if not head:
            response["Content-Length"] = str(len(self.body))
        response["X-Page-Cache"] = served_from
        if "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META:
            # A browser or CDN holding this page asks with its ETag: 304 if it is unchanged.
            return get_conditional_response(
                request, etag=self.etag, last_modified=self.last_modified, response=response
            )
        return response


class LocalPages:
    """The pages this process sent last, by key: no network, no unpickling. Bounded, least
    recently used first out; pages of old editions are never asked for again and age out."""

    def __init__(self, size: int):
        self.size = size
        self.pages: OrderedDict[str, CachedPage] = OrderedDict()
        self.lock = threading.Lock()  # the development server and live tests use threads

    def get(self, key: str) -> CachedPage | None:
        with self.lock:
            page = self.pages.get(key)
            if page is not None:
                self.pages.move_to_end(key)
            return page

    def put(self, key: str, page: CachedPage) -> None:
        with self.lock:
            self.pages[key] = page
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()


local_pages = LocalPages(settings.PUBLIC_PAGE_LOCAL_ENTRIES)


def page_key(request, edition_token: str) -> str:
    """Edition, day and full address: pages hold absolute links, so the host counts."""
    query = request.META.get("QUERY_STRING", "")
    address = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    return f"{edition_token}:{timezone.localdate():%Y%m%d}:{address}"


def _shared_key(key: str) -> str:
    return f"public-page:{hashlib.sha256(key.encode()).hexdigest()}"


def _cacheable(request, response) -> bool:
    return (
        # A page that used this request's CSP nonce must never be sent with another's.
        not getattr(request, "_csp_nonce", None)
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
    )


def _shared_cache_in_use() -> bool:
    """Whether the cache is shared between instances (Redis), so worth a second look-up."""
    return not settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")


class PublicPageCacheMiddleware:
    """Pages from this process's memory first, then from the shared cache, else rendered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.answer(request)
        unanswered = getattr(response, "unanswered_search", "")
        if unanswered and request.method == "GET":
            search.record_unanswered(request, unanswered)
        return response

    def answer(self, request):
        # A reader with a message waiting gets a page made for them, with the message.
        if (
            request.method not in ("GET", "HEAD")
            or MESSAGES_COOKIE in request.COOKIES
            or not _serves_public_page(request)
        ):
            return self.get_response(request)
        # Kept on the request: what the page shows of the site itself is read for this edition
        # (therapies/context_processors.py) without asking the database for it again.
        request.site_edition = edition_clock.token()
        key = page_key(request, request.site_edition)
        page = local_pages.get(key) or self.shared(key)
        if page is not None:
            return page.response(request, "hit")
        response = self.get_response(request)
        if not _cacheable(request, response):
            return response
        # Filed under the edition read before rendering: if a publication commits meanwhile,
        # the next request reads the new edition and never sees this page. (The edition's time,
        # read now, is at least as late: Last-Modified errs towards asking again.)
        page = CachedPage(response, SiteEdition.objects.current())
        local_pages.put(key, page)
        self.share(key, page)
        return page.response(request, "miss")

    def shared(self, key) -> CachedPage | None:
        if not _shared_cache_in_use():
            return None
        try:
            page = cache.get(_shared_key(key))
        except Exception:
            # A cache that is down slows pages; it must never stop them.
            logger.warning("Shared page cache unavailable; rendering the page", exc_info=True)
            return None
        if page is not None:
            local_pages.put(key, page)
        return page

    def share(self, key, page) -> None:
        if not _shared_cache_in_use():
            return
        try:
            cache.set(_shared_key(key), page, timeout=settings.PUBLIC_PAGE_CACHE_SECONDS)
        except Exception:
            logger.warning("Shared page cache unavailable; page not shared", exc_info=True)
