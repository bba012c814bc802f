"""A small per-client rate limit on the shared cache, so every app instance counts together."""

import hashlib

from django.conf import settings
from django.core.cache import cache


def client_key(request) -> str:
    # The address is hashed with the secret key: the limit needs no personal data kept.
    address = request.META.get("REMOTE_ADDR", "")
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]


def allow(request, *, action: str, limit: int, window_seconds: int) -> bool:
    """Count one more `action` by this client; False once it passes `limit` in the window."""
    key = f"ratelimit:{action}:{client_key(request)}"
    if cache.add(key, 1, timeout=window_seconds):
        return True
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window_seconds)
        return True
