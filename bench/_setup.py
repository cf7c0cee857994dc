"""Shared setup for the benchmarks: Django against a throwaway database, never the real one.

Usage from a benchmark script (Django must not be imported before this runs):

    from _setup import add_database_arguments, throwaway_database

    args = add_database_arguments(parser).parse_args()
    with throwaway_database(args, label="bench_search") as vendor:
        ...  # Django is set up, the empty database is migrated; import models here

SQLite (the default) is a file in a temporary folder (also DATA_DIR, so the filesystem broker
and media land there too) that is deleted afterwards. With `--postgres [URL]` (or
`--use-database-url`) a fresh database `<label>_<pid>` is created on that PostgreSQL server,
migrated, and dropped at the end, even after an error. Only loopback servers are accepted.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import shutil
import sys
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def add_database_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--postgres",
        nargs="?",
        const=DEFAULT_POSTGRES_URL,
        metavar="URL",
        help="create a throwaway database on this PostgreSQL server "
        f"(default {DEFAULT_POSTGRES_URL})",
    )
    group.add_argument(
        "--use-database-url",
        action="store_true",
        help="create the throwaway database on the server named by $DATABASE_URL",
    )
    return parser


def _is_loopback(host: str) -> bool:
    if not host or host.startswith("/"):
        return True  # a Unix socket: never leaves the machine
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name we would have to resolve: refuse rather than guess


def _host_of(netloc_item: str) -> str:
    """`[::1]:5432` → `::1`, `127.0.0.1:5432` → `127.0.0.1`, `%2Frun%2Fpg` → `/run/pg`."""
    item = unquote(netloc_item)
    if item.startswith("["):
        return item[1 : item.find("]")]
    return item.split(":", 1)[0]


def _server_hosts(url: str) -> list[str]:
    """Every host libpq could connect to for this URL, including `?host=` overrides."""
    parts = urlsplit(url)
    hosts = [_host_of(item) for item in parts.netloc.rpartition("@")[2].split(",")]
    for key, value in parse_qsl(parts.query):
        if key in {"host", "hostaddr"}:
            hosts.extend(value.split(","))
    return hosts


def _postgres_url(args: argparse.Namespace) -> str | None:
    if args.use_database_url:
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith(("postgres://", "postgresql://")):
            sys.exit("--use-database-url needs DATABASE_URL set to a postgres:// URL")
        return url
    return args.postgres


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    # libpq accepts only postgresql:// and postgres://; django-environ knows both.
    return urlunsplit(("postgresql", parts.netloc, f"/{name}", parts.query, ""))


@contextmanager
def _postgres_database(server_url: str, name: str) -> Iterator[str]:
    import psycopg

    bad = [h for h in _server_hosts(server_url) if not _is_loopback(h)]
    if bad:
        sys.exit(f"refusing a non-loopback PostgreSQL server: {', '.join(bad)}")
    admin_url = _with_database(server_url, urlsplit(server_url).path.lstrip("/") or "postgres")
    try:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
    except psycopg.OperationalError as exc:
        # The host only: the URL may carry a password.
        sys.exit(f"cannot create the throwaway database on {urlsplit(server_url).hostname}: {exc}")
    try:
        yield _with_database(server_url, name)
    finally:
        from django.conf import settings
        from django.db import connections

        if settings.configured:  # not when the settings themselves failed to import
            connections.close_all()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            # FORCE: a connection left open by a crash must not keep the database alive.
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _configure_environment(data_dir: Path, database_url: str) -> None:
    os.environ["DATA_DIR"] = str(data_dir)
    # Set explicitly rather than unset: settings read ./.env with setdefault, and a
    # DATABASE_URL there would otherwise point the benchmark at the developer's database.
    os.environ["DATABASE_URL"] = database_url
    # Embedded-default mode: production mode redirects to HTTPS and needs collectstatic.
    os.environ["SECRET_KEY"] = ""
    os.environ["DEBUG"] = "True"  # at import only; measuring overrides settings.DEBUG=False
    # No Redis: a task enqueued while building data lands in the temp folder, not a live worker.
    os.environ["REDIS_URL"] = ""
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    if str(BASE_DIR) not in sys.path:
        sys.path.insert(0, str(BASE_DIR))


def _setup_django(expected_name: str) -> str:
    import django

    # WhiteNoise warns that collectstatic never ran; the benchmarks do not serve static files.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    name = str(settings.DATABASES["default"]["NAME"])
    if name != expected_name:  # last guard before migrate writes anything
        sys.exit(f"database is {name!r}, expected the throwaway {expected_name!r}")
    call_command("migrate", verbosity=0, interactive=False)
    return connection.vendor


@contextmanager
def throwaway_database(args: argparse.Namespace, *, label: str = "bench") -> Iterator[str]:
    """Set up Django on a fresh, migrated database; yields the vendor ("sqlite", "postgresql")."""
    data_dir = Path(tempfile.mkdtemp(prefix=f"{label}-"))
    try:
        server_url = _postgres_url(args)
        if server_url is None:
            sqlite_file = data_dir / "bench.sqlite3"
            _configure_environment(data_dir, f"sqlite:///{sqlite_file}")
            yield _setup_django(str(sqlite_file))
            return
        name = f"{label}_{os.getpid()}"
        with _postgres_database(server_url, name) as url:
            _configure_environment(data_dir, url)
            yield _setup_django(name)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
