"""Run a command against PostgreSQL and Redis, or say why it cannot.

Uses DATABASE_URL and REDIS_URL when set; otherwise the local services on 127.0.0.1:5432
(database ``test``) and 127.0.0.1:6379 when they answer. When they cannot be reached the
PostgreSQL pass is skipped with a message, except with CI=true, where that is a failure.

    python scripts/with_services.py python -m pytest
"""

import os
import socket
import subprocess
import sys
from urllib.parse import urlsplit

LOCAL_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test"
LOCAL_REDIS_URL = "redis://127.0.0.1:6379/15"


def answers(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def main(command: list[str]) -> int:
    database_url = os.environ.get("DATABASE_URL") or LOCAL_DATABASE_URL
    redis_url = os.environ.get("REDIS_URL") or LOCAL_REDIS_URL
    missing = [
        name
        for name, url, port in (
            ("PostgreSQL", database_url, 5432),
            ("Redis", redis_url, 6379),
        )
        if not answers(url, port)
    ]
    if missing:
        message = f"{' and '.join(missing)} not reachable: the PostgreSQL pass cannot run."
        if os.environ.get("CI", "").lower() == "true":
            print(f"FAILED: {message}", file=sys.stderr)
            return 1
        print(f"SKIPPED: {message}", file=sys.stderr)
        return 0
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url}
    print(f"PostgreSQL pass: {urlsplit(database_url).hostname}, Redis {redis_url}", flush=True)
    return subprocess.call(command, env=env)  # noqa: S603


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
