"""The settings module as an operator meets it: run manage.py with a given environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

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
