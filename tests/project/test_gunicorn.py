"""The web's gunicorn settings (``gunicorn.conf.py``) and what preloading the project asks of it."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def run_python(code: str, **env: str) -> str:
    """``code`` run by a fresh interpreter in the project's directory, as gunicorn starts."""
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=os.environ | env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_gunicorn_preloads_the_project_from_its_settings_file():
    printed = run_python(
        "import sys; sys.argv = ['gunicorn', 'foodbank.wsgi:application'];"
        "from gunicorn.app.wsgiapp import WSGIApplication;"
        "app = WSGIApplication('%(prog)s [OPTIONS] [APP_MODULE]');"
        "print(app.cfg.preload_app, app.cfg.worker_class_str)"
    )
    assert printed == "True sync"


IMPORT_AND_REPORT = """
import os, threading

def sockets():
    found = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}").startswith("socket:"):
                found.add(fd)
        except OSError:  # the listing's own descriptor, gone already
            pass
    return found

before = sockets()
import foodbank.wsgi
from django.db import connections

opened = [c.alias for c in connections.all() if c.connection is not None]
print(opened, sorted(sockets() - before), threading.active_count())
"""


def test_importing_the_web_application_opens_no_connection_and_starts_no_thread():
    """Workers forked from a master holding a connection (database, Redis, broker) would all
    talk on it, and a thread started in the master would not run in them."""
    printed = run_python(IMPORT_AND_REPORT, DJANGO_SETTINGS_MODULE="foodbank.settings.test")
    assert printed == "[] [] 1"
