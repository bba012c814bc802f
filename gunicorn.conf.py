"""gunicorn settings for `make serve` and production. Environment variables override them."""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# Two workers per core, plus one, as gunicorn advises for sync workers.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Replace each worker after a while, so a slow leak can never grow without end.
max_requests = 5000
max_requests_jitter = 500
# Load the app once, before forking: workers start (and restart) in milliseconds and share
# the loaded code. Django opens no database connection at import, so none is shared.
preload_app = True
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
wsgi_app = "sarcomainfo.wsgi:application"


def when_ready(server):
    """Before the first worker is forked: import every view and compile every template, so
    workers (and the workers that replace them) answer their first request at full speed."""
    from pathlib import Path

    from django.conf import settings
    from django.template.loader import get_template
    from django.urls import get_resolver

    if settings.REDIS_URL:
        import redis  # noqa: F401  (Django's Redis cache imports it on first use: 0.1 s)
    get_resolver().check()  # imports every URL module, and so every view
    templates = Path(__file__).resolve().parent / "templates"
    for template in sorted(templates.glob("**/*.html")):
        get_template(str(template.relative_to(templates)))
    # Keep the loaded objects out of the garbage collector's reach: a forked worker then does
    # not touch (and so copy) the memory it shares with the master.
    gc.freeze()
