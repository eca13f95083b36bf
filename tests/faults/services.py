"""Private Redis, PostgreSQL, Celery workers and gunicorn for the fault tests.

The fault tests stop, kill and restart these; the shared services that every other test and
CI use are never touched. Each is a subprocess on a free port; a missing binary skips the test,
or fails it with CI=true.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
IN_CI = os.environ.get("CI", "").lower() == "true"
BIN = Path(sys.executable).parent
PERSONAL_DATA_KEY = "0KJlUj2s7Z6q4mKc0cHq1l2mJxQyq8vW3y4b5n6m7o8="  # as in settings.test
NATIONAL_ID_HASH_KEY = "test-only-national-id-hash-key"


def missing(what: str) -> None:
    """Skip the test for lack of ``what``; with CI=true, fail it."""
    if IN_CI:
        pytest.fail(f"CI=true: {what} is needed for this test", pytrace=False)
    pytest.skip(f"needs {what}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(port: int) -> bool:
    with suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
        return True
    return False


def wait_for(condition, timeout: float, what: str) -> float:
    """Poll ``condition`` for up to ``timeout`` seconds; returns the seconds it took."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"{what}: not within {timeout:.0f} s")
        time.sleep(0.1)
    return time.monotonic() - start


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class PrivateRedis:
    """``redis-server`` without persistence; ``stop()`` and ``start()`` keep its port."""

    def __init__(self) -> None:
        self.binary = shutil.which("redis-server")
        if not self.binary:
            missing("redis-server")
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [self.binary, "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        wait_for(lambda: answers(self.port), 10, "private Redis starting")

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process, signal.SIGKILL)
            self.process = None


def _postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return found[-1].parent if found else None


class PrivateCluster:
    """A throw-away PostgreSQL cluster in a temporary directory, with trust authentication.

    Run as the ``postgres`` OS user when the tests run as root (PostgreSQL refuses root).
    """

    def __init__(self) -> None:
        self.bin = _postgres_bin()
        if self.bin is None:
            missing("PostgreSQL's server binaries (initdb, pg_ctl)")
        self.port = free_port()
        self.home = Path(tempfile.mkdtemp(prefix="pgfault-"))
        self.data = self.home / "data"
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.home, "postgres")

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_postgres else []
        subprocess.run(  # noqa: S603
            [*prefix, *command], check=True, capture_output=True, timeout=120
        )

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def init(self) -> None:
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",
            "-E",
            "UTF8",
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.home / "log"),
            "-w",
            "start",
        )

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        with suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.home, ignore_errors=True)


def product_env(*, database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    """The environment a deployed web or worker process runs with, on these services."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "FOODBANK_", "PYTEST"))
    }
    return env | {
        "DJANGO_SETTINGS_MODULE": "foodbank.settings.production",
        "DJANGO_SECRET_KEY": "fault-tests-" + "k3y-" * 12,
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "60",
        "REDIS_URL": redis_url,
        "FOODBANK_PERSONAL_DATA_KEYS": PERSONAL_DATA_KEY,
        "FOODBANK_NATIONAL_ID_HASH_KEY": NATIONAL_ID_HASH_KEY,
        "EMAIL_URL": "consolemail://",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


class Worker:
    """``celery -A worker worker`` (prefork) as a subprocess; beat runs apart, as in compose."""

    def __init__(self, env: dict[str, str], *, concurrency: int = 1) -> None:
        self.env = env
        self.concurrency = concurrency
        self.home = Path(tempfile.mkdtemp(prefix="worker-"))
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        command = [
            str(BIN / "celery"),
            "-A",
            "worker",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            str(self.concurrency),
            "--hostname",
            f"fault{self.starts}@%h",
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
        ]
        self.log = (self.home / f"log{self.starts}").open("w")
        self.process = subprocess.Popen(  # noqa: S603
            command, cwd=BASE_DIR, env=self.env, stdout=self.log, stderr=subprocess.STDOUT
        )
        wait_for(
            lambda: "ready." in self.output() or self.process.poll() is not None,
            60,
            "worker starting",
        )
        assert self.process.poll() is None, self.output()

    def output(self) -> str:
        return (self.home / f"log{self.starts}").read_text()

    def children(self) -> list[int]:
        """The pool's processes."""
        assert self.process is not None
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()]

    def kill(self) -> None:
        """SIGKILL the main process; its pool children die with it (they ask the kernel to)."""
        assert self.process is not None
        doomed = self.children()
        self.process.kill()
        self.process.wait()
        for pid in doomed:
            wait_for(lambda pid=pid: not Path(f"/proc/{pid}").exists(), 10, "pool child ending")

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process, signal.SIGTERM, timeout=30)
            self.process = None
        shutil.rmtree(self.home, ignore_errors=True)


@contextmanager
def gunicorn(env: dict[str, str], *, workers: int = 1, threads: int = 8) -> Iterator[str]:
    """The WSGI application under gunicorn; yields its base address once it has answered."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [
            str(BIN / "gunicorn"),
            "foodbank.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "60",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: answers(port) or process.poll() is not None, 60, "gunicorn starting")
        assert process.poll() is None, "gunicorn did not start"
        base = f"http://127.0.0.1:{port}"
        # The first request loads the URLs and views: not to be timed with the tests' own.
        with urllib.request.urlopen(base + "/healthz/web", timeout=60) as answer:  # noqa: S310
            assert answer.status == 200
        yield base
    finally:
        stop(process)
