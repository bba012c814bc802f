"""The app served by gunicorn (gunicorn.conf.py) in a process of its own, for tests that need
real servers: several instances, or a database taken away under one."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """Started with these environment variables on a free port; ready once it answers."""

    def __init__(self, **env: str):
        self.port = free_port()
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
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"gunicorn did not start: {self.process.stderr.read()}")
            time.sleep(0.2)

    def answers(self) -> bool:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/", headers={"Host": "localhost"}
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status == 200
        except (OSError, urllib.error.HTTPError):
            return False

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)
