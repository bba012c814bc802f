"""The app served by gunicorn (gunicorn.conf.py) in a process of its own, for tests that need
real servers: several instances, or a database taken away under one (and for
benchmarks/soak.py), and a browser that logs in and saves over plain HTTP."""

import http.cookiejar
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from tests.admin_forms import form_data

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """Started with these environment variables on a free port; ready once it answers.

    Its error log goes to `log` (a file path) when given: a server under long load logs more
    than a pipe holds, and would stop while nobody reads it."""

    def __init__(self, log: Path | None = None, **env: str):
        self.port = free_port()
        self.log = open(log, "ab") if log else None  # closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env={
                **os.environ,
                "GUNICORN_BIND": f"127.0.0.1:{self.port}",
                "GUNICORN_ACCESS_LOG": "/dev/null",
                **env,
            },
            stdout=subprocess.DEVNULL,
            stderr=self.log or subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                errors = Path(log).read_text() if log else self.process.stderr.read()
                raise RuntimeError(f"gunicorn did not start: {errors}")
            time.sleep(0.2)

    def answers(self) -> bool:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/", headers={"Host": "localhost"}
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status == 200
        except OSError:  # HTTPError included
            return False

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)
        if self.log:
            self.log.close()


class Browser:
    """Cookies, CSRF and forms over plain HTTP, as a browser does."""

    def __init__(self, port: int):
        self.base = f"http://localhost:{port}"
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirects()
        )

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        headers = {"Referer": self.base + path}
        try:
            with self.opener.open(
                urllib.request.Request(self.base + path, body, headers), timeout=10
            ) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def log_in(self, username: str, password: str) -> int:
        """Through the admin's login form, with its CSRF token; the answer's status (302: in)."""
        _, _, page = self.request("/admin/login/")
        # form_data reads the admin's forms by their "…_form" id; the login form's is "login-form".
        token = form_data(page.replace('id="login-form"', 'id="login_form"'))
        status, _, _ = self.request(
            "/admin/login/?next=/admin/", {**token, "username": username, "password": password}
        )
        return status


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
