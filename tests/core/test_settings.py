"""The settings module as an operator meets it: run manage.py with a given environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRINT = (
    "import json; from django.conf import settings as s; "
    "print(json.dumps({'debug': s.DEBUG, 'engine': s.DATABASES['default']['ENGINE'], "
    "'name': str(s.DATABASES['default']['NAME']), 'broker': s.CELERY_BROKER_URL}))"
)
# Variables a developer or the test run may have set; each test states its own.
SERVICE_VARIABLES = (
    "DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DATA_DIR",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)  # fmt: skip


def run_manage(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in SERVICE_VARIABLES}
    base["DATA_DIR"] = str(tmp_path)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_no_variables_means_embedded_sqlite_filesystem_broker_and_debug(tmp_path):
    result = run_manage("shell", "--no-imports", "-c", PRINT, env={}, tmp_path=tmp_path)

    config = json.loads(result.stdout)
    assert config["debug"] is True
    assert config["engine"] == "apps.core.db.sqlite3"  # Django's, noting commits
    assert config["name"] == str(tmp_path / "board.sqlite3")
    assert config["broker"] == "filesystem://"


def test_production_settings_pass_the_deploy_check(tmp_path):
    env = {
        "SECRET_KEY": "k3Jx9vQ2mZp7Lr4Tn8Wb6Yc1Hd5Fg0Sa-production-like-key-for-the-check",
        "ALLOWED_HOSTS": "board.example.com",
        "DATABASE_URL": "postgres://board@127.0.0.1:5432/board",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }

    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env, tmp_path=tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    config = json.loads(
        run_manage("shell", "--no-imports", "-c", PRINT, env=env, tmp_path=tmp_path).stdout
    )
    assert config["debug"] is False
    assert config["engine"] == "apps.core.db.postgresql"
    assert config["broker"] == "redis://127.0.0.1:6379/0"


def test_production_with_a_known_demo_key_fails_the_system_check(tmp_path):
    env = {
        "SECRET_KEY": "change-me-demo-only-7kQ2vX9pLm4RtB8wZs1NcY6hJd3FgA5eUo0iKy",
        "ALLOWED_HOSTS": "board.example.com",
    }

    result = run_manage("check", env=env, tmp_path=tmp_path)

    assert result.returncode == 1
    assert "board.E001" in result.stderr
    assert "publicly known demo key" in result.stderr


def test_the_compose_file_has_no_default_secret_key():
    compose = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    [line] = [x.strip() for x in compose.splitlines() if x.strip().startswith("SECRET_KEY:")]
    # ${VAR:?message}: compose refuses to start when SECRET_KEY is unset or empty.
    assert line.startswith("SECRET_KEY: ${SECRET_KEY:?")


PROXY = "from django.conf import settings as s; print(getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"


def test_x_forwarded_proto_is_trusted_only_behind_a_proxy(tmp_path):
    env = {"SECRET_KEY": "k3Jx9vQ2mZp7Lr4Tn8Wb6Yc1Hd5Fg0Sa-production-like-key-for-the-check"}
    alone = run_manage("shell", "--no-imports", "-c", PROXY, env=env, tmp_path=tmp_path)
    behind = run_manage(
        "shell", "--no-imports", "-c", PROXY, env={**env, "BEHIND_PROXY": "true"}, tmp_path=tmp_path
    )
    assert alone.stdout.strip() == "None"
    assert behind.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_a_spoofed_forwarded_proto_does_not_make_a_request_secure(client, settings, db):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 301  # still plain http: redirected to https
    assert client.get("/healthz").status_code == 200  # the health probe is never redirected


def test_access_logs_leave_the_feed_token_out():
    import datetime as dt
    import logging
    from types import SimpleNamespace

    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    from apps.core.log_filters import WithoutQueryString
    from config import gunicorn as gunicorn_settings

    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/feeds/topics.atom?token=s3cret-feed-token",
        "PATH_INFO": "/feeds/topics.atom",
        "QUERY_STRING": "token=s3cret-feed-token",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "192.0.2.1",
        "HTTP_REFERER": "https://board.example.com/group/feeds/?token=s3cret-feed-token",
    }
    cfg = Config()
    cfg.set("access_log_format", gunicorn_settings.access_log_format)
    atoms = Logger(cfg).atoms(
        SimpleNamespace(status="200 OK", sent=10, headers=[]), [], environ, dt.timedelta(0)
    )
    line = cfg.access_log_format % Logger.atoms_wrapper_class(atoms)
    assert '"GET /feeds/topics.atom HTTP/1.1" 200' in line
    assert "s3cret" not in line

    # runserver (manage.py up) logs through django.server, which carries the filter.
    assert any(
        isinstance(f, WithoutQueryString) for f in logging.getLogger("django.server").filters
    )
    record = logging.LogRecord(
        "django.server", logging.INFO, "", 0, '"%s" %s %s',
        ("GET /feeds/meetings.ics?token=s3cret-feed-token HTTP/1.1", "200", "512"), None,
    )  # fmt: skip
    WithoutQueryString().filter(record)
    assert record.getMessage() == '"GET /feeds/meetings.ics HTTP/1.1" 200 512'


@pytest.mark.django_db
def test_sqlite_readers_wait_for_a_writer_instead_of_failing():
    """WAL (readers never wait for the writer) and a busy timeout (writers queue up)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL readers never wait for writers")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 10_000
