"""A small per-client rate limit on the shared cache, so every app instance counts together."""

import hashlib

from django.conf import settings
from django.core.cache import cache


def client_address(request) -> str:
    """The reader's address. Behind load balancers that each add the address they received
    from to X-Forwarded-For, it is the one TRUSTED_PROXY_HOPS from the end of that list."""
    hops = settings.TRUSTED_PROXY_HOPS
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [address for address in forwarded if address]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")


def _client_key(request) -> str:
    # The address is hashed with the secret key: the limit needs no personal data kept.
    address = client_address(request)
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]


def allow(request, *, action: str, limit: int, window_seconds: int) -> bool:
    """Count one more `action` by this client; False once it passes `limit` in the window."""
    key = f"ratelimit:{action}:{_client_key(request)}"
    if cache.add(key, 1, timeout=window_seconds):
        return True
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window_seconds)
        return True
