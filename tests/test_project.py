"""Project-wide promises: migrations match the models, production refuses unsafe settings,
static files build with hashed names."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

ROOT = Path(__file__).resolve().parent.parent
# What a real key looks like: long, random.
STRONG_KEY = "k3L9-pQ2vX8rT5wZ1yB7nM4cF6hJ0dS9aE2gU5iO8pR1tW4zY7xV0bN3mQ6lK9jH2"


def test_every_model_change_has_its_migration(db):
    # Exits non-zero (SystemExit) when a model differs from its migrations.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def run_check(CHECK_ARGS="", CHECK_PRINT="", CHECK_CODE="", **env):
    """`manage.py check` in a fresh process with these environment variables; with
    CHECK_PRINT, the named settings printed as JSON instead; with CHECK_CODE, that code run
    once Django is set up."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "ALLOWED_HOSTS", "PROXY_SSL_HEADER"))
    }
    command = ["manage.py", "check", *CHECK_ARGS.split()]
    if CHECK_PRINT:
        names = CHECK_PRINT.split()
        command = [
            "-c",
            "import django, json; django.setup(); from django.conf import settings; "
            f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))",
        ]
    if CHECK_CODE:
        command = ["-c", f"import django\ndjango.setup()\n{CHECK_CODE}"]
    return subprocess.run(
        [sys.executable, *command],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "sarcomainfo.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_check(DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr


def test_production_starts_with_a_secret_key():
    result = run_check(DJANGO_DEBUG="0", DJANGO_SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="example.org")
    assert result.returncode == 0, result.stderr


def test_static_files_build_with_compressed_hashed_names(tmp_path):
    storage = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    with override_settings(
        STATIC_ROOT=tmp_path, STORAGES={"staticfiles": storage, "default": storage}
    ):
        call_command("collectstatic", "--no-input", verbosity=0)
    built = {path.name for path in (tmp_path / "css").iterdir()}
    assert any(name.startswith("site.") and name.endswith(".css.gz") for name in built)
    assert any(name.startswith("print.") and name.endswith(".css") for name in built)
    assert "staticfiles.json" in {path.name for path in tmp_path.iterdir()}
    # Served as in production: hashed names may be kept by browsers and CDNs for ten years.
    from django.test import RequestFactory
    from whitenoise.middleware import WhiteNoiseMiddleware

    hashed = next(name for name in built if re.fullmatch(r"site\.[0-9a-f]{12}\.css", name))
    with override_settings(
        STATIC_ROOT=tmp_path,
        STORAGES={"staticfiles": storage, "default": storage},
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
    ):
        whitenoise = WhiteNoiseMiddleware(lambda request: None)
        response = whitenoise(RequestFactory().get(f"/static/css/{hashed}"))
    assert response.status_code == 200
    assert "immutable" in response["Cache-Control"]
    assert "max-age=315360000" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_suite_runs_on_the_database_ci_asked_for():
    from django.db import connection

    wanted = os.environ.get("DATABASE_URL", "sqlite")
    expected = "postgresql" if wanted.startswith("postgres") else "sqlite"
    assert connection.vendor == expected


def test_the_makefile_says_clearly_when_no_python_is_new_enough(tmp_path):
    result = subprocess.run(
        [str(ROOT / "scripts" / "find-python")],
        env={"PATH": str(tmp_path), "HOME": str(tmp_path), "PYTHON": "/nonexistent/python"},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
    assert "needs Python 3.12 or newer" in result.stderr


def test_the_makefile_finds_a_new_enough_python():
    result = subprocess.run(
        [str(ROOT / "scripts" / "find-python")],
        env={**os.environ, "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0
    assert result.stdout.strip() == sys.executable


def test_the_production_server_configuration_loads(tmp_path):
    gunicorn = Path(sys.executable).parent / "gunicorn"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sarcomainfo.settings",
        "DJANGO_SECRET_KEY": STRONG_KEY,
        "ALLOWED_HOSTS": "example.org",
        "DJANGO_DEBUG": "0",
        "WEB_CONCURRENCY": "3",
    }
    result = subprocess.run(
        [str(gunicorn), "-c", "gunicorn.conf.py", "--check-config", "--print-config"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    config = {
        key.strip(): value.strip()
        for key, _, value in (line.partition("=") for line in result.stdout.splitlines())
    }
    assert config["workers"] == "3"
    assert config["wsgi_app"] == "sarcomainfo.wsgi:application"
    assert config["timeout"] == "30"


def test_production_keeps_database_connections_open_and_checks_them():
    result = run_check(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="example.org",
        DATABASE_URL="postgres://app@db.example.org:5432/sarcomainfo",
        CHECK_PRINT="DATABASES",
    )
    assert result.returncode == 0, result.stderr
    database = json.loads(result.stdout.splitlines()[-1])["DATABASES"]["default"]
    assert database["CONN_MAX_AGE"] == 60
    assert database["CONN_HEALTH_CHECKS"] is True
