"""Security settings and headers, and production start-up (encryption at rest: test_encryption)."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from tests.personas import Personas, logged_in

REPO = Path(__file__).resolve().parent.parent

# --- Headers ------------------------------------------------------------------------------------

ANONYMOUS_PAGES = ["/konto/logga-in/", "/tillganglighet/", "/finns-inte/"]
STAFF_PAGES = ["/", "/arenden/", "/personer/", "/logg/", "/personer/999999/"]


def _csp(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def _assert_hardened(response: object, path: str) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    assert "text/html" in headers["Content-Type"], path
    csp = _csp(headers["Content-Security-Policy"])
    for directive in ("default-src", "object-src", "base-uri", "frame-ancestors"):
        assert csp.get(directive) == ["'none'"], f"{path}: {directive} {csp.get(directive)}"
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"], path
    assert headers["X-Content-Type-Options"] == "nosniff", path
    # same-origin rather than no-referrer (settings.py says why); neither lets a URL leave the site.
    assert headers["Referrer-Policy"] in ("no-referrer", "same-origin"), path
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin", path
    assert headers["X-Frame-Options"] == "DENY", path
    assert headers["Cache-Control"] == "no-store", path
    assert "Server" not in headers and "X-Powered-By" not in headers, path


def test_it_sends_the_security_headers_on_public_pages(db: None) -> None:
    client = Client()
    for path in ANONYMOUS_PAGES:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        _assert_hardened(response, path)


def test_it_sends_the_security_headers_on_staff_pages(personas: Personas) -> None:
    client = logged_in(personas.lead_a)
    for path in STAFF_PAGES:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        _assert_hardened(response, path)


def test_it_keeps_the_session_and_csrf_cookies_from_scripts_and_other_sites(
    personas: Personas,
) -> None:
    response = logged_in(personas.police_a).get("/personer/ny/")
    session = response.cookies["sessionid"]
    csrf = response.cookies["csrftoken"]
    assert session["httponly"] and session["samesite"] == "Lax"
    assert csrf["httponly"] and csrf["samesite"] == "Lax"


# --- Production start-up ------------------------------------------------------------------------


def _production_env(tmp_path: Path, **changes: str | None) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "IGOR_VAR_DIR": str(tmp_path / "var"),
        "SECRET_KEY": secrets.token_urlsafe(64),
        "IGOR_AUDIT_KEY": secrets.token_urlsafe(48),
        "IGOR_MASTER_KEYS": "k2026:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "ALLOWED_HOSTS": "igor.example.se",
    }
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def _igor(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "igor.cli", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


DEPLOY_CHECK = ("check", "--deploy", "--fail-level", "WARNING")


def test_it_passes_the_deploy_check_with_production_settings(tmp_path: Path) -> None:
    result = _igor(_production_env(tmp_path), *DEPLOY_CHECK)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_it_fails_the_deploy_check_when_debug_is_on(tmp_path: Path) -> None:
    result = _igor(_production_env(tmp_path, DEBUG="1"), *DEPLOY_CHECK)
    assert result.returncode != 0
    assert "security.W018" in result.stderr + result.stdout


@pytest.mark.parametrize("secret", ["SECRET_KEY", "IGOR_AUDIT_KEY", "IGOR_MASTER_KEYS"])
def test_it_refuses_to_start_in_production_without_a_secret(tmp_path: Path, secret: str) -> None:
    result = _igor(_production_env(tmp_path, **{secret: None}), "check")
    assert result.returncode != 0
    assert f"ImproperlyConfigured: The environment variable {secret} must be set." in result.stderr


def test_it_refuses_demo_mode_when_debug_is_off(tmp_path: Path) -> None:
    result = _igor(_production_env(tmp_path, IGOR_DEMO="1"), "check")
    assert result.returncode != 0
    assert "IGOR_DEMO=1 is refused when DEBUG is off." in result.stderr


def test_it_refuses_a_setting_it_cannot_read(tmp_path: Path) -> None:
    result = _igor(_production_env(tmp_path, DEBUG="perhaps"), "check")
    assert result.returncode != 0
    assert "is not a boolean" in result.stderr


def test_it_refuses_the_old_name_of_the_master_keys(tmp_path: Path) -> None:
    env = _production_env(tmp_path, IGOR_DATA_KEYS="k:" + base64.b64encode(bytes(32)).decode())
    result = _igor(env, "check")
    assert result.returncode != 0
    assert "IGOR_DATA_KEYS is now IGOR_MASTER_KEYS" in result.stderr
