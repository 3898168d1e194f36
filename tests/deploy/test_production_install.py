"""The production install, run for real on this machine without systemd: the commands of the
unit files (ExecStart, Environment, EnvironmentFile, read from deploy/systemd) run under a small
supervisor, behind Caddy with its internal CA over HTTPS; through it a new staff member is
onboarded and signs in with a password and TOTP, a family registers, and /healthz and /metrics
answer."""

from __future__ import annotations

import base64
import os
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
import requests
from django.conf import settings as django_settings
from django.db import connection
from django_otp.oath import TOTP

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
VENV = Path(sys.executable).parent.parent
pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Unit:
    name: str
    exec_start: list[str]
    environment: dict[str, str]
    environment_files: list[str]


def read_unit(path: Path, paths: dict[str, str], instance: str = "") -> Unit:
    """The lines of a systemd unit that say what runs, with the install's paths mapped (and
    a template's %i replaced by its instance, as systemd does)."""
    text = path.read_text().replace("%i", instance)
    for installed, here in paths.items():
        text = text.replace(installed, here)
    exec_start, environment, files = [], {}, []
    for line in text.splitlines():
        key, _, value = line.partition("=")
        if key == "ExecStart":
            exec_start = shlex.split(value)
        elif key == "Environment":
            name, _, val = value.partition("=")
            environment[name] = val
        elif key == "EnvironmentFile":
            files.append(value)
    return Unit(path.stem.replace("@", f"@{instance}"), exec_start, environment, files)


def read_environment_file(path: str) -> dict[str, str]:
    values = {}
    for line in Path(path).read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            name, _, value = line.partition("=")
            values[name] = value
    return values


class Supervisor:
    """Starts each unit's command with the unit's environment, and stops them all."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, unit: Unit, base_env: dict[str, str]) -> None:
        env = dict(base_env)
        for file in unit.environment_files:
            env |= read_environment_file(file)
        env |= unit.environment
        log = (self.logs / f"{unit.name}.log").open("wb")
        self.processes[unit.name] = subprocess.Popen(
            unit.exec_start, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)

    def running(self, name: str) -> bool:
        return self.processes[name].poll() is None

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, 15)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)


@pytest.fixture
def database_url() -> Iterator[str]:
    db = django_settings.DATABASES["default"]
    name = f"sp_deploy_{secrets.token_hex(4)}"
    server = f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wait_for(url: str, **kwargs: object) -> requests.Response:
    deadline = time.monotonic() + 90
    while True:
        try:
            return requests.get(url, timeout=20, **kwargs)  # type: ignore[arg-type]
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def totp_code(secret: str, *, step_ahead: int = 0) -> str:
    totp = TOTP(base64.b32decode(secret.replace(" ", "")))
    totp.time = time.time() + 30 * step_ahead
    return f"{totp.token():06d}"


def test_the_install_serves_through_caddy_over_https(database_url, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("production runs on PostgreSQL: this test runs in the PostgreSQL pass")
    caddy = shutil.which("caddy")
    assert caddy, "scripts/install-system-packages installs Debian's caddy"
    https_port, http_port, web_port = free_port(), free_port(), free_port()
    site = "localhost"
    origin = f"https://{site}:{https_port}"
    var, run, etc = tmp_path / "var", tmp_path / "run", tmp_path / "etc"
    for folder in (var, run, etc):
        folder.mkdir()
    env_file = etc / "safepassage.env"
    base_env = {k: v for k, v in os.environ.items()
                if not k.startswith(("SAFEPASSAGE_", "DJANGO_", "PYTEST_", "DATABASE_URL"))}

    # What install.sh does for the environment file, then its own lines for this machine.
    subprocess.run([str(DEPLOY / "write-env"), str(env_file), site, database_url,
                    str(VENV / "bin" / "safepassage")], check=True, env=base_env)
    assert oct(env_file.stat().st_mode & 0o777) == "0o600"
    written = env_file.read_text()
    written = written.replace("SAFEPASSAGE_VAR_DIR=/var/lib/safepassage",
                              f"SAFEPASSAGE_VAR_DIR={var}")
    written = written.replace(f"https://{site}\n", f"{origin}\n")
    env_file.write_text(written)
    paths = {"/opt/safepassage/venv": str(VENV), "/etc/safepassage/safepassage.env": str(env_file),
             "/run/safepassage": str(run), "127.0.0.1:8000": f"127.0.0.1:{web_port}"}
    units = {p.stem: read_unit(p, paths) for p in (DEPLOY / "systemd").glob("*.service")
             if "@" not in p.stem}
    for queue in django_settings.TASKS["default"]["QUEUES"]:
        unit = read_unit(DEPLOY / "systemd" / "safepassage-tasks@.service", paths, queue)
        units[unit.name] = unit
    assert set(units) >= {"safepassage-web", "safepassage-tasks@default",
                          "safepassage-tasks@imports", "safepassage-outbox"}
    admin_env = base_env | read_environment_file(str(env_file))

    def admin(*args: str) -> str:
        done = subprocess.run([str(VENV / "bin" / "safepassage"), *args], env=admin_env,
                              capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    admin("migrate", "--noinput", "-v0")
    admin("collectstatic", "--noinput", "-v0")
    admin("check", "--deploy", "--fail-level", "WARNING")
    link = admin("create-user", "leyla", "--role", "caseworker").strip().splitlines()[-1]
    assert link.startswith(f"{origin}/accounts/welcome/")

    supervisor = Supervisor(tmp_path)
    caddy_env = base_env | {
        "XDG_DATA_HOME": str(tmp_path / "caddy-data"),
        "XDG_CONFIG_HOME": str(tmp_path / "caddy-config"),
        "SAFEPASSAGE_SITE": f"{site}:{https_port}", "SAFEPASSAGE_TLS": "tls internal",
        "SAFEPASSAGE_UPSTREAM": f"127.0.0.1:{web_port}",
        "CADDY_GLOBAL_OPTIONS": f"admin off\nhttp_port {http_port}\nhttps_port {https_port}\n"
                                "skip_install_trust",
    }
    try:
        for unit in units.values():
            if unit.name != "safepassage-backup":
                supervisor.start(unit, base_env)
        supervisor.start(Unit("caddy", [caddy, "run", "--adapter", "caddyfile", "--config",
                                        str(DEPLOY / "caddy" / "Caddyfile")], {}, []), caddy_env)
        root_ca = tmp_path / "caddy-data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"
        wait_for(f"http://127.0.0.1:{web_port}/healthz")
        deadline = time.monotonic() + 30
        while not root_ca.exists() and time.monotonic() < deadline:
            time.sleep(0.3)
        health = wait_for(f"{origin}/healthz", verify=str(root_ca))
        assert health.status_code == 200 and health.json() == {"status": "ok"}
        assert health.headers["Strict-Transport-Security"].startswith("max-age=")

        browser = requests.Session()
        browser.verify = str(root_ca)
        browser.trust_env = False  # else REQUESTS_CA_BUNDLE, when set, wins over verify
        browser.headers["Referer"] = f"{origin}/"

        def post(path: str, data: dict[str, str]) -> requests.Response:
            page = browser.get(f"{origin}{path}")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
            return browser.post(f"{origin}{path}", data | {"csrfmiddlewaretoken": token.group(1)},
                                headers={"Referer": f"{origin}{path}"}, allow_redirects=False)

        # Onboarding through the proxy: the link, a password, the authenticator's key.
        welcome = post(link.removeprefix(origin), {"password": "keys to the hangar at dawn",
                                                   "password_again": "keys to the hangar at dawn"})
        assert welcome.status_code == 302
        enrol = browser.get(f"{origin}/accounts/enrol/").text
        secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', enrol).group(1)
        assert post("/accounts/enrol/", {"otp_token": totp_code(secret)}).status_code == 200
        browser.post(f"{origin}/accounts/sign-out/", {
            "csrfmiddlewaretoken": browser.cookies["csrftoken"]})
        # Signing in again: password and the next code of the phone.
        signed_in = post("/accounts/sign-in/", {"username": "leyla",
                                                "password": "keys to the hangar at dawn",
                                                "otp_token": totp_code(secret, step_ahead=1)})
        assert signed_in.status_code == 302, signed_in.text[:2000]
        assert "Cases" in browser.get(f"{origin}/cases/").text

        # A family registers on the public form.
        family = requests.Session()
        family.verify = str(root_ca)
        family.trust_env = False
        form = family.get(f"{origin}/register/?lang=en").text
        started = re.search(r'name="started" value="([^"]+)"', form).group(1)
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        time.sleep(3.2)  # the form's bot check: no person fills it faster
        registered = family.post(f"{origin}/register/?lang=en", data={
            "csrfmiddlewaretoken": csrf, "rows": "5", "started": started, "website": "",
            "given_name": "Freshta", "family_name": "Popalzai", "date_of_birth": "1364",
            "sex": "female", "phone": "0791234567", "category": "woman_leader",
            "p1-given_name": "Wahid", "p1-relationship_to_head": "spouse",
            "p1-date_of_birth": "15 Jawza 1360",
        }, headers={"Referer": f"{origin}/register/?lang=en"})
        assert registered.status_code == 200
        assert re.search(r'id="reference">[^<]+<', registered.text), registered.text[:3000]

        # Accepted at once, registered by the runner's worker (decision 0092) soon after.
        deadline = time.monotonic() + 60
        while True:
            metrics = requests.get(f"{origin}/metrics", verify=str(root_ca), timeout=10).text
            if 'safepassage_registrations 1.0' in metrics or time.monotonic() > deadline:
                break
            time.sleep(1)
        assert 'safepassage_registrations 1.0' in metrics
        assert re.search(r'safepassage_http_requests_total\{[^}]*view="intake:register"', metrics)
        ready = requests.get(f"{origin}/readyz", verify=str(root_ca), timeout=10)
        assert ready.status_code == 200, ready.text
        for name in ("safepassage-web", "safepassage-tasks@default", "safepassage-tasks@imports",
                     "safepassage-outbox", "caddy"):
            assert supervisor.running(name), (tmp_path / f"{name}.log").read_text()[-3000:]
        web_log = (tmp_path / "safepassage-web.log").read_text()
        assert '"level": "INFO"' in web_log and "Freshta" not in web_log
    finally:
        supervisor.stop()
        for log in tmp_path.glob("*.log"):
            print(f"--- {log.name}\n{log.read_text()[-4000:]}")
