"""Test settings: only what makes tests fast and isolated."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault(
    "DJANGO_SECRET_KEY", "test-only-secret-key-not-for-any-deployment-0123456789abcdef"
)

from sarcomainfo.settings import *  # noqa: F403

# Tests speak plain HTTP to the test client and the live server; production settings are
# checked in tests/test_deployment.py.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The manifest storage needs collectstatic first; the live server serves plain names.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests publish inside transactions that never commit, so nothing would wait: read the site's
# edition on every request instead. tests/test_two_instances.py tests the waiting.
PUBLIC_PAGE_EDITION_CHECK_SECONDS = 0
# Serve static files from the finders, as in development: no collectstatic before tests.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# On SQLite, a test database file rather than memory: the live server's threads then open
# connections of their own instead of sharing the test thread's. One file per test run, so
# two runs at once never share it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"sarcomainfo-test-{os.getpid()}.sqlite3")
    }
# Records' PDFs drawn by a test go to a folder of the run's own, never the project's var/.
RECORD_PDF_DIR = Path(tempfile.gettempdir()) / f"sarcomainfo-test-record-pdfs-{os.getpid()}"
