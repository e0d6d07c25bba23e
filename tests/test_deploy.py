"""Production settings: `check --deploy` is clean, DEBUG is off unless asked for."""

from __future__ import annotations

import json
import os
import secrets
import string
import subprocess
import sys
from typing import Any

from django.conf import settings

# Variables the suite sets (pyproject, the browser tests) that production does not have.
TEST_ONLY = {
    "INSECURE_HTTP",
    "TESTING",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "REQUIRE_2FA",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def production_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    alphabet = string.ascii_letters + string.digits + "!#%&()*+,-./:;<=>?@[]^_{|}~"
    env["SECRET_KEY"] = "".join(secrets.choice(alphabet) for _ in range(64))
    env["ALLOWED_HOSTS"] = "coproduce.example"
    env.update(overrides)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # Fixed arguments and our own interpreter: nothing untrusted runs here.
    return subprocess.run(  # noqa: S603
        [sys.executable, *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=120,
    )


def production_settings(*names: str, **env: str) -> dict[str, Any]:
    """The named settings as a fresh process with production's environment sees them."""
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {list(names)!r}}}))"
    )
    result = run(
        ["-c", code], {**production_env(**env), "DJANGO_SETTINGS_MODULE": "coproduce.settings"}
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_has_no_warnings_with_production_settings() -> None:
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stderr + result.stdout


def test_check_deploy_would_catch_plain_http() -> None:
    # The check above can fail: the same command with TLS switched off warns.
    env = production_env(INSECURE_HTTP="1")
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout  # SECURE_SSL_REDIRECT


def test_production_has_debug_off_and_the_protections_on() -> None:
    assert production_settings(
        "DEBUG",
        "REQUIRE_2FA",
        "AXES_ENABLED",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
        "SESSION_COOKIE_HTTPONLY",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "X_FRAME_OPTIONS",
        "SECURE_REFERRER_POLICY",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY",
        "SESSION_IDLE_SECONDS",
    ) == {
        "DEBUG": False,
        "REQUIRE_2FA": True,
        "AXES_ENABLED": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_REFERRER_POLICY": "same-origin",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin",
        "SESSION_IDLE_SECONDS": 30 * 60,
    }
    assert production_settings("PASSWORD_HASHERS")["PASSWORD_HASHERS"][0].endswith(
        "Argon2PasswordHasher"
    )


def test_the_demo_keeps_two_step_sign_in_optional() -> None:
    assert production_settings("DEBUG", "REQUIRE_2FA", DEBUG="1") == {
        "DEBUG": True,
        "REQUIRE_2FA": False,
    }
    assert production_settings("REQUIRE_2FA", DEBUG="1", REQUIRE_2FA="1") == {"REQUIRE_2FA": True}


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = production_env()
    del env["SECRET_KEY"]
    result = run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr
