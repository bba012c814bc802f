"""Production settings: `check --deploy` is clean, unsafe start-ups are refused, HTTPS is
enforced (behind a proxy too), every response carries the security headers and a strict CSP,
logins lock out after repeated failures, and idle sessions end."""

import datetime
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.utils import timezone

from tests.test_project import STRONG_KEY, run_check

PRODUCTION = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "example.org"}


def test_the_deployment_check_finds_nothing():
    result = run_check(**PRODUCTION, CHECK_ARGS="--deploy")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"DJANGO_SECRET_KEY": "insecure-local-development-key-never-used-in-production"}, "weak"),
        ({"DJANGO_SECRET_KEY": "django-insecure-" + STRONG_KEY}, "weak"),
        ({"DJANGO_SECRET_KEY": "short-but-random-Zq8"}, "weak"),
        ({"DJANGO_SECRET_KEY": "a" * 60}, "weak"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must name the site's host names"),
        ({"ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS must name the site's host names"),
    ],
)
def test_production_refuses_to_start_with_unsafe_settings(change, complaint):
    result = run_check(**{**PRODUCTION, **change})
    assert result.returncode != 0
    assert complaint in result.stderr


def test_the_production_security_settings():
    result = run_check(
        **PRODUCTION,
        PROXY_SSL_HEADER="X-Forwarded-Proto",
        CHECK_PRINT=(
            "SECURE_SSL_REDIRECT SECURE_PROXY_SSL_HEADER SECURE_HSTS_SECONDS "
            "SECURE_HSTS_INCLUDE_SUBDOMAINS SESSION_COOKIE_SECURE SESSION_COOKIE_HTTPONLY "
            "CSRF_COOKIE_SECURE CSRF_COOKIE_HTTPONLY X_FRAME_OPTIONS SECURE_REFERRER_POLICY "
            "SECURE_CONTENT_TYPE_NOSNIFF SESSION_COOKIE_AGE SESSION_SAVE_EVERY_REQUEST"
        ),
    )
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout.splitlines()[-1])
    assert printed == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_REFERRER_POLICY": "same-origin",
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SESSION_COOKIE_AGE": 1800,
        "SESSION_SAVE_EVERY_REQUEST": True,
    }


@override_settings(
    SECURE_SSL_REDIRECT=True,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    SECURE_HSTS_SECONDS=31536000,
)
def test_plain_http_is_sent_to_https_and_the_proxys_https_is_trusted(seed):
    client = Client()
    plain = client.get("/therapies/imatinib/")
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/therapies/imatinib/"
    behind_proxy = client.get("/therapies/imatinib/", headers={"X-Forwarded-Proto": "https"})
    assert behind_proxy.status_code == 200
    assert behind_proxy["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.parametrize(
    "url", ["/", "/therapies/imatinib/", "/admin/login/", "/no-such-page/", "/static/css/site.css"]
)
def test_every_response_carries_the_security_headers_and_a_strict_csp(seed, client, url):
    for _ in range(2):  # rendered, then from the page cache
        response = client.get(url)
        policy = dict(
            part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
        )
        assert policy["default-src"] == "'self'"
        # Our own scripts, and inline ones only with this response's nonce (the admin's).
        assert policy["script-src"].split(" ")[0] == "'self'"
        assert all(v.startswith("'nonce-") for v in policy["script-src"].split(" ")[1:])
        assert policy["object-src"] == "'none'"
        assert policy["frame-ancestors"] == "'none'"
        assert "unsafe" not in response["Content-Security-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        if not url.startswith("/static/"):
            assert response["X-Frame-Options"] == "DENY"


def attempt(client, username, password, address="192.0.2.1"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_user("editor", password="right-pw-123", is_staff=True)


@override_settings(AXES_FAILURE_LIMIT=5)
def test_repeated_failed_logins_lock_the_account_and_the_client_out(editor):
    client = Client()
    for _ in range(4):
        assert attempt(client, "editor", "wrong").status_code == 200  # the form, with an error
    locked = attempt(client, "editor", "wrong")
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.text
    assert "paused for 15 minutes" in locked.text
    # Even the right password is refused now, from this client and from another.
    assert attempt(client, "editor", "right-pw-123").status_code == 429
    assert attempt(Client(), "editor", "right-pw-123", address="198.51.100.7").status_code == 429
    # And this client cannot go on guessing with other names.
    get_user_model().objects.create_user("lay", password="lay-pw-456", is_staff=True)
    assert attempt(client, "lay", "lay-pw-456").status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_successful_login_clears_the_count(editor):
    client = Client()
    for _ in range(4):
        attempt(client, "editor", "wrong")
    assert attempt(client, "editor", "right-pw-123").status_code == 302
    client.logout()
    for _ in range(4):
        assert attempt(client, "editor", "wrong").status_code == 200
    assert attempt(client, "editor", "right-pw-123").status_code == 302


def test_an_idle_admin_session_ends(editor, settings):
    client = Client()
    assert attempt(client, "editor", "right-pw-123").status_code == 302
    assert client.get("/admin/").status_code == 200
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE == 30 * 60
    # Half an hour with no request later:
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_passwords_are_checked_against_the_validators(db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ["password", "12345678", "editor", "short"]:
        with pytest.raises(ValidationError):
            validate_password(weak, get_user_model()(username="editor"))
    validate_password("a long and unusual phrase 42")


def every_address():
    """One concrete address for every URL the project has, admin included: a URL added later
    is checked without anyone listing it."""
    from django.urls import URLPattern, URLResolver, get_resolver
    from django.urls.resolvers import RegexPattern, RoutePattern

    def concrete(pattern) -> str:
        if isinstance(pattern, RoutePattern):
            route = str(pattern)
            route = re.sub(r"<(int|path):\w+>", "999999", route)
            return re.sub(r"<(?:\w+:)?\w+>", "no-such-thing", route)
        assert isinstance(pattern, RegexPattern)
        regex = pattern.regex.pattern.lstrip("^").rstrip("$").replace("\\Z", "")
        regex = re.sub(r"\(\?P<\w+>([\w-]+)\|[^)]*\)", r"\1", regex)  # first of a|b|c
        regex = re.sub(r"\((?:\?P<\w+>)?[^)]*\)", "999999", regex)
        return regex.replace("\\", "")

    def walk(patterns, prefix=""):
        for entry in patterns:
            here = prefix + concrete(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, here)
            elif isinstance(entry, URLPattern):
                yield "/" + here

    return sorted(set(walk(get_resolver().url_patterns)))


def test_every_address_refuses_a_post_without_the_csrf_token(seed):
    admin = get_user_model().objects.create_superuser("boss", "b@example.org", "pw")
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    addresses = every_address()
    assert len(addresses) > 100  # the admin's pages as well as the public ones
    for address in addresses:
        response = client.post(address, {"reason": "x", "summary": "x"})
        assert response.status_code == 403, address
        assert "CSRF verification failed" in response.text, address


def test_server_errors_are_logged_with_the_time_and_traceback():
    """With DEBUG off, Django would only e-mail them to ADMINS; they go to standard error."""
    result = run_check(
        **PRODUCTION,
        CHECK_CODE=(
            "import logging\n"
            "try:\n    1 / 0\n"
            "except ZeroDivisionError:\n"
            "    logging.getLogger('django.request').exception('Internal Server Error: /x')\n"
        ),
    )
    assert result.returncode == 0, result.stderr
    assert re.search(
        r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ ERROR django.request: Internal Server "
        r"Error: /x$",
        result.stderr,
        re.M,
    ), result.stderr
    assert "ZeroDivisionError: division by zero" in result.stderr


def test_a_database_outage_is_logged_once_not_per_request(seed, caplog):
    from unittest import mock

    from django.db import OperationalError

    from therapies.editions import edition_clock
    from therapies.models import SiteEdition

    token = edition_clock.token()
    with mock.patch.object(
        SiteEdition.objects, "current_token", side_effect=OperationalError("down")
    ):
        assert [edition_clock.token() for _ in range(20)] == [token] * 20
    assert edition_clock.token() == token
    messages = [record.getMessage() for record in caplog.records]
    assert messages == [
        f"Database unavailable; serving edition {token}",
        "Database available again",
    ]
