"""The typed settings helpers refuse bad values, and production settings pass --deploy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from advisor import env

ROOT = Path(__file__).resolve().parent.parent


def test_env_bool_reads_common_spellings() -> None:
    assert env.env_bool("X", False, environ={"X": "yes"}) is True
    assert env.env_bool("X", True, environ={"X": "0"}) is False
    assert env.env_bool("X", True, environ={}) is True


def test_env_bool_refuses_a_typo_naming_the_variable() -> None:
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        env.env_bool("DEBUG", False, environ={"DEBUG": "ture"})


def test_env_int_refuses_non_numbers_and_values_below_the_minimum() -> None:
    assert env.env_int("N", 3, environ={"N": " 7 "}) == 7
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env.env_int("N", 3, environ={"N": "seven"})
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env.env_int("N", 3, minimum=1, environ={"N": "0"})


def test_env_list_splits_on_commas_and_refuses_empty_items() -> None:
    assert env.env_list("H", [], environ={"H": "a.example, b.example"}) == [
        "a.example",
        "b.example",
    ]
    with pytest.raises(ImproperlyConfigured, match="empty item"):
        env.env_list("H", [], environ={"H": "a.example,,b"})


def test_env_timezone_accepts_seoul_and_refuses_unknown_zones() -> None:
    assert env.env_timezone("TZ", "Asia/Seoul", environ={}) == "Asia/Seoul"
    with pytest.raises(ImproperlyConfigured, match="time zone"):
        env.env_timezone("TIME_ZONE", "Asia/Seoul", environ={"TIME_ZONE": "Mars/Olympus"})


def test_env_url_checks_the_scheme() -> None:
    assert env.env_url("R", "", ("redis",), environ={}) == ""
    assert env.env_url("R", "", ("redis",), environ={"R": "redis://h:6379/0"}).startswith("redis")
    with pytest.raises(ImproperlyConfigured, match="redis://"):
        env.env_url("REDIS_URL", "", ("redis",), environ={"REDIS_URL": "localhost:6379"})


def test_env_choice_refuses_values_outside_the_choices() -> None:
    with pytest.raises(ImproperlyConfigured, match="DJANGO_ENV"):
        env.env_choice("DJANGO_ENV", "development", ("development", "production"),
                       environ={"DJANGO_ENV": "prod"})


def test_secret_key_is_required_and_strong_in_production() -> None:
    dev = "dev-key"
    assert env.env_secret_key("SECRET_KEY", production=False, dev_default=dev, environ={}) == dev
    with pytest.raises(ImproperlyConfigured, match="must be set"):
        env.env_secret_key("SECRET_KEY", production=True, dev_default=dev, environ={})
    with pytest.raises(ImproperlyConfigured, match="too weak"):
        env.env_secret_key(
            "SECRET_KEY", production=True, dev_default=dev, environ={"SECRET_KEY": "short"}
        )


def _manage(*args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    dropped = {"DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environ = {k: v for k, v in os.environ.items() if k not in dropped}
    environ.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_check_deploy_without_warnings(tmp_path: Path) -> None:
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY="x7" * 20 + "-production-like-random-key-Q9z",
        ALLOWED_HOSTS="advisor.example.org",
        VAR_DIR=str(tmp_path),
        # The brief's faces as make setup built them (else advisor.W003 warns, rightly).
        BRIEF_FONT_DIR=str(settings.BRIEF_FONT_DIR),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_with_debug_on(tmp_path: Path) -> None:
    result = _manage(
        "check",
        DJANGO_ENV="production",
        DEBUG="true",
        SECRET_KEY="x7" * 30,
        ALLOWED_HOSTS="advisor.example.org",
        VAR_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


def test_production_refuses_a_missing_secret_key(tmp_path: Path) -> None:
    result = _manage(
        "check", DJANGO_ENV="production", ALLOWED_HOSTS="advisor.example.org",
        VAR_DIR=str(tmp_path), SECRET_KEY="",
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
