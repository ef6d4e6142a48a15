"""The operator's path, drilled with the real proxy: Debian's nginx runs the SHIPPED deploy/nginx/mutualaid.conf
(only its ports, certificate paths and upstream addresses substituted) with a self-signed certificate on
loopback, in front of two app servers started with the shipped systemd unit's ExecStart and the shipped
environment file. Through the proxy: one HTTP->HTTPS redirect, first-run setup with `mutualaid setup-code`,
an invitation link, sign-up, login (CSRF-protected POSTs on a non-standard port); then one app server is
killed and requests still succeed; finally nginx's log files hold neither the client address nor a token.

scripts/test runs it in the SQLite pass (scripts/ensure-nginx installs Debian's nginx when missing).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shlex
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.conftest import PASSWORD
from tests.deploy.envfile import ROOT, production_env
from tests.ports import free_port

pytestmark = pytest.mark.proxy

NGINX_CONF = ROOT / "deploy" / "nginx" / "mutualaid.conf"
WEB_UNIT = ROOT / "deploy" / "systemd" / "mutualaid-web@.service"
HOST = "aid.example.org"


def ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def nginx_binary() -> str:
    subprocess.run([str(ROOT / "scripts" / "ensure-nginx")], check=True, timeout=600)
    for candidate in ("/usr/sbin/nginx", "/usr/bin/nginx"):
        if Path(candidate).exists():
            return candidate
    raise AssertionError("scripts/ensure-nginx left no nginx binary")


def self_signed(cert: Path, key: Path) -> None:
    """A throwaway certificate for aid.example.org (Debian's openssl, a dependency of nginx's ssl)."""
    subprocess.run(
        ["/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST}", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip


def render_shipped_config(*, http: int, https: int, apps: list[int], cert: Path, key: Path) -> str:
    """The shipped file with this drill's ports and paths: nothing else changes."""
    text = NGINX_CONF.read_text(encoding="utf-8")
    shipped_upstreams = re.findall(r"^\s*server (\S+?:\d+)", text, flags=re.M)
    assert len(shipped_upstreams) == 2, "the shipped config balances over two app servers"
    for shipped, port in zip(shipped_upstreams, apps, strict=True):
        text = text.replace(f"server {shipped} ", f"server 127.0.0.1:{port} ")
    cert_line = re.search(r"ssl_certificate (\S+);", text)
    key_line = re.search(r"ssl_certificate_key (\S+);", text)
    assert cert_line and key_line, "the shipped config names its certificate"
    text = text.replace(cert_line.group(1), str(cert)).replace(key_line.group(1), str(key))
    six = ipv6_loopback()
    text = text.replace("listen 80 ", f"listen 127.0.0.1:{http} ")
    text = text.replace("listen [::]:80 ", f"listen [::1]:{http} " if six else "# (no IPv6 here) ")
    text = text.replace("listen 443 ", f"listen 127.0.0.1:{https} ")
    text = text.replace("listen [::]:443 ", f"listen [::1]:{https} " if six else "# (no IPv6 here) ")
    text = text.replace("https://$host:443$request_uri", f"https://$host:{https}$request_uri")
    return text


def main_config(tmp: Path, site: Path) -> str:
    """Debian's /etc/nginx/nginx.conf in small: logs on disk at the main and http levels, which the shipped
    site must override for every request it handles."""
    user = "user root root;" if os.geteuid() == 0 else ""
    return f"""{user}
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/logs/error.log;
events {{ worker_connections 256; }}
http {{
    types {{ text/html html; }}
    default_type application/octet-stream;
    access_log {tmp}/logs/access.log;
    error_log {tmp}/logs/http-error.log;
    client_body_temp_path {tmp}/temp/body;
    proxy_temp_path {tmp}/temp/proxy;
    fastcgi_temp_path {tmp}/temp/fastcgi;
    uwsgi_temp_path {tmp}/temp/uwsgi;
    scgi_temp_path {tmp}/temp/scgi;
    include {site};
}}
"""


class Browser:
    """Just enough of a browser: TLS checked against the drill's certificate for aid.example.org (SNI),
    the Host header with its port, cookies, and the CSRF token taken from the page as a form would."""

    def __init__(self, port: int, cafile: Path) -> None:
        self.port = port
        self.context = ssl.create_default_context(cafile=str(cafile))
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def request(self, method: str, path: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
        raw = socket.create_connection(("127.0.0.1", self.port), timeout=30)
        conn = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=30)
        conn.sock = self.context.wrap_socket(raw, server_hostname=HOST)
        origin = f"https://{HOST}:{self.port}"
        headers = {"Host": f"{HOST}:{self.port}", "Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode({**data, "csrfmiddlewaretoken": self.csrf}).encode()
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": origin,
                "Referer": f"{origin}{path}",
            }
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        conn.close()
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
        if found:
            self.csrf = found.group(1)
        return response.status, response.getheader("Location") or "", text

    def get(self, path: str) -> tuple[int, str, str]:
        return self.request("GET", path)

    def post(self, path: str, data: dict[str, str]) -> tuple[int, str, str]:
        return self.request("POST", path, data)


def plain_get(port: int, path: str, host: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Host": host})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, response.getheader("Location") or ""


def exec_start(unit: Path, instance: str) -> list[str]:
    """The unit's ExecStart with the venv's `mutualaid` replaced by this interpreter's."""
    line = next(x for x in unit.read_text().splitlines() if x.startswith("ExecStart="))
    argv = shlex.split(line.removeprefix("ExecStart=").replace("%i", instance))
    assert argv[0].endswith("/venv/bin/mutualaid"), argv
    return [sys.executable, "-m", "mutualaid.cli", *argv[1:]]


def wait_for_app(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the app server stopped: {log.read_text()[-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz", headers={"Host": HOST, "X-Forwarded-Proto": "https"})
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"the app server did not answer: {log.read_text()[-2000:]}")


def kill(proc: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=30)


@contextlib.contextmanager
def running(argv: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with open(log, "ab") as handle:
        proc = subprocess.Popen(argv, env=env, stdout=handle, stderr=handle, start_new_session=True)
    try:
        yield proc
    finally:
        kill(proc, signal.SIGTERM)


def mutualaid(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "mutualaid.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"mutualaid {' '.join(args)}: {result.stderr[-2000:]}"
    return result.stdout


def test_the_shipped_nginx_config_in_front_of_two_app_servers(tmp_path: Path) -> None:
    started = time.monotonic()
    nginx = nginx_binary()
    http_port, https_port, app1, app2 = (free_port() for _ in range(4))
    for sub in ("logs", "temp", "data", "pki"):
        (tmp_path / sub).mkdir()
    cert, key = tmp_path / "pki" / "cert.pem", tmp_path / "pki" / "key.pem"
    self_signed(cert, key)
    site = tmp_path / "mutualaid.conf"
    site.write_text(
        render_shipped_config(http=http_port, https=https_port, apps=[app1, app2], cert=cert, key=key)
    )
    conf = tmp_path / "nginx.conf"
    conf.write_text(main_config(tmp_path, site))
    tested = subprocess.run([nginx, "-t", "-c", str(conf)], capture_output=True, text=True, check=False)
    assert tested.returncode == 0, tested.stderr

    public = f"https://{HOST}:{https_port}"
    env = production_env(
        tmp_path / "data",
        MUTUALAID_PUBLIC_URL=public,
        MUTUALAID_CSRF_TRUSTED_ORIGINS=public,
        # The drill's coordinator creates an invitation right after setup, without enrolling an authenticator.
        MUTUALAID_REQUIRE_COORDINATOR_MFA="false",
    )
    # The README's commands, in its order: migrate once, check, then the setup code.
    mutualaid(env, "migrate")
    assert "no issues" in mutualaid(env, "check")
    printed = mutualaid(env, "setup-code")
    assert f"Open {public}/setup/" in printed, printed
    code = re.search(r"\b([0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4})\b", printed)
    assert code

    app_logs = tmp_path / "app-logs"
    app_logs.mkdir()
    logs = [app_logs / "app1.log", app_logs / "app2.log"]
    with (
        running(exec_start(WEB_UNIT, f"127.0.0.1:{app1}"), env, logs[0]) as server1,
        running(exec_start(WEB_UNIT, f"127.0.0.1:{app2}"), env, logs[1]) as server2,
        running([nginx, "-c", str(conf), "-g", "daemon off;"], env, tmp_path / "nginx.out") as proxy,
    ):
        wait_for_app(app1, server1, logs[0])
        wait_for_app(app2, server2, logs[1])
        # Restarting an app server keeps the code the operator is typing: no new one is printed.
        assert "still works" in logs[0].read_text() + logs[1].read_text()
        time.sleep(0.5)
        assert proxy.poll() is None, (tmp_path / "nginx.out").read_text()

        # One redirect from HTTP to HTTPS, keeping the path; HTTPS then answers without redirecting again.
        status, location = plain_get(http_port, "/directory/?q=x", f"{HOST}:{http_port}")
        assert status == 301 and location == f"{public}/directory/?q=x"
        operator = Browser(https_port, cert)
        status, location, _ = operator.get("/directory/?q=x")
        assert status == 302 and location == "/setup/", "an install not set up sends everyone to setup"

        # First-run setup through the proxy (a CSRF-protected POST on a non-standard port).
        status, _, page = operator.get("/setup/")
        assert status == 200 and "csrfmiddlewaretoken" in page
        status, location, page = operator.post(
            "/setup/",
            {
                "code": code.group(1),
                "username": "rosa",
                "password": PASSWORD,
                "display_name": "Rosa",
                "language": "en",
                "name": "Drill Mutual Aid",
                "radius_km": "3",
                "listed": "on",
            },
        )
        assert status == 302, page[-3000:]
        group_path = location
        # An invitation link, built from the Host header the proxy passed (with its port).
        status, _, page = operator.get(f"{group_path}invitations/")
        assert status == 200
        status, _, page = operator.post(
            f"{group_path}invitations/", {"days": "7", "note": "", "role": "member"}
        )
        link = re.search(rf"{re.escape(public)}/invite/#([A-Za-z0-9_-]+)", page)
        assert status == 200 and link, page[-3000:]
        token = link.group(1)

        # The invitee: /invite/ (the fragment stays in the browser), the token posted, then sign-up.
        invitee = Browser(https_port, cert)
        assert invitee.get("/invite/")[0] == 200
        status, _, page = invitee.post("/invite/", {"token": link.group(0)})
        assert status == 200 and "You are invited to join" in page
        status, location, page = invitee.post(
            "/invite/",
            {"token": token, "step": "join", "username": "nia", "password": PASSWORD,
             "display_name": "Nia", "language": "en"},
        )  # fmt: skip
        assert status == 302 and location == group_path, page[-3000:]

        # Login through the proxy.
        returning = Browser(https_port, cert)
        assert returning.get("/accounts/login/")[0] == 200
        status, location, page = returning.post("/accounts/login/", {"login": "nia", "password": PASSWORD})
        assert status == 302, page[-3000:]
        assert returning.get(group_path)[0] == 200

        # One app server dies: every request still succeeds through the other, POSTs too.
        kill(server1)
        for _ in range(6):
            assert returning.get(group_path)[0] == 200
            assert returning.get("/directory/")[0] == 200
        assert returning.get("/accounts/login/")[0] in (200, 302)
        status, _, _ = operator.post(f"{group_path}invitations/", {"days": "3", "note": "", "role": "member"})
        assert status == 200
        assert plain_get(http_port, "/", f"{HOST}:{http_port}")[0] == 301
        kill(proxy, signal.SIGQUIT)

    # Nothing on disk names the client or an invitation token (the shipped servers override Debian's logs).
    written = {path.name: path.read_bytes() for path in (tmp_path / "logs").iterdir()}
    assert "error.log" in written, "nginx wrote its main error log where the drill looks"
    for name, content in written.items():
        assert b"127.0.0.1" not in content, (name, content[-2000:])
        assert token.encode() not in content, name
    for log in logs:
        assert token not in log.read_text(), log
    print(f"proxy drill: {time.monotonic() - started:.1f} s")


def test_without_the_shipped_log_settings_nginx_would_record_the_client(tmp_path: Path) -> None:
    """The drill's log check can fail: the same config minus its `error_log` lines records 127.0.0.1 as
    soon as an app server is down."""
    nginx = nginx_binary()
    http_port, https_port, dead1, dead2 = (free_port() for _ in range(4))
    for sub in ("logs", "temp", "pki"):
        (tmp_path / sub).mkdir()
    cert, key = tmp_path / "pki" / "cert.pem", tmp_path / "pki" / "key.pem"
    self_signed(cert, key)
    site = tmp_path / "mutualaid.conf"
    text = render_shipped_config(http=http_port, https=https_port, apps=[dead1, dead2], cert=cert, key=key)
    site.write_text(text.replace("error_log /dev/null crit;", ""))
    conf = tmp_path / "nginx.conf"
    conf.write_text(main_config(tmp_path, site))
    with running([nginx, "-c", str(conf), "-g", "daemon off;"], dict(os.environ), tmp_path / "nginx.out"):
        deadline = time.monotonic() + 20
        status: Any = None
        while time.monotonic() < deadline:
            try:
                ctx = ssl.create_default_context(cafile=str(cert))
                ctx.check_hostname = False
                conn = http.client.HTTPSConnection("127.0.0.1", https_port, context=ctx, timeout=10)
                conn.request("GET", "/invite/secret-token/", headers={"Host": HOST})
                status = conn.getresponse().status
                break
            except OSError:
                time.sleep(0.2)
        assert status == 502
        time.sleep(0.5)
    logged = (tmp_path / "logs" / "http-error.log").read_bytes()
    assert b"client: 127.0.0.1" in logged and b"secret-token" in logged


def test_the_shipped_caddyfile_validates(tmp_path: Path) -> None:
    """Caddy is the README's simpler alternative; where Debian's caddy is installed, its file must validate."""
    import shutil

    caddy = shutil.which("caddy")
    if caddy is None:
        pytest.skip("Debian's caddy is not installed (apt-get install caddy)")
    result = subprocess.run(
        [
            caddy,
            "validate",
            "--config",
            str(ROOT / "deploy" / "caddy" / "Caddyfile"),
            "--adapter",
            "caddyfile",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={
            **os.environ,
            "HOME": str(tmp_path),
            "XDG_DATA_HOME": str(tmp_path),
            "XDG_CONFIG_HOME": str(tmp_path),
        },
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Valid configuration" in result.stdout + result.stderr
