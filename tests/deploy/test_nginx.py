"""deploy/nginx: `nginx -t` on a test copy, the header-inheritance rules, and a real run."""

from __future__ import annotations

import json
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from tests.platform import free_port

from . import nginx_conf
from .tooling import DEPLOY_DIR, require_tool

NGINX_DIR = DEPLOY_DIR / "nginx"
SECURITY_SNIPPET = "snippets/security-headers.conf"
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "strict-transport-security": "max-age=31536000; includeSubDomains",
}
UPLOAD_LOCATION = ("=", "/v1/documents")
EVENTS_LOCATION = ("~", "^/v1/documents/[^/]+/events$")


def replace_once(text: str, old: str, new: str) -> str:
    """Substitute exactly one occurrence, so drift in the real file fails loudly."""
    assert text.count(old) == 1, f"expected exactly one {old!r} in nginx.conf"
    return text.replace(old, new)


@pytest.fixture(scope="module")
def certificate_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    openssl = require_tool("openssl")
    directory = tmp_path_factory.mktemp("certs")
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            str(directory / "tls.key"),
            "-out",
            str(directory / "tls.crt"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return directory


def copy_config(
    destination: Path, certificates: Path, upstream: str, ports: tuple[int, int] | None = None
) -> Path:
    """The deploy/nginx tree under destination/conf with test-only substitutions."""
    conf_dir = destination / "conf"
    shutil.copytree(NGINX_DIR, conf_dir)
    shutil.copytree(certificates, conf_dir / "certs")
    text = (conf_dir / "nginx.conf").read_text()
    # `gateway` only resolves inside the compose network.
    text = replace_once(text, "server gateway:5001;", f"server {upstream};")
    text = replace_once(text, "pid /tmp/nginx.pid;", f"pid {destination}/nginx.pid;")
    if ports is not None:
        http_port, https_port = ports
        text = replace_once(text, "listen 80 default_server;", f"listen 127.0.0.1:{http_port};")
        text = replace_once(
            text, "listen 443 ssl http2 default_server;", f"listen 127.0.0.1:{https_port} ssl;"
        )
        temp_paths = "".join(
            f"    {kind}_temp_path {destination}/{kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        text = replace_once(text, "http {\n", "http {\n" + temp_paths)
    (conf_dir / "nginx.conf").write_text(text)
    return conf_dir / "nginx.conf"


def nginx_test(config: Path, prefix: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [require_tool("nginx"), "-t", "-q", "-c", str(config), "-p", f"{prefix}/"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_nginx_accepts_the_configuration(tmp_path: Path, certificate_dir: Path) -> None:
    config = copy_config(tmp_path, certificate_dir, "127.0.0.1:5001")
    result = nginx_test(config, tmp_path)
    assert result.returncode == 0, result.stderr


def test_nginx_rejects_a_broken_copy(tmp_path: Path, certificate_dir: Path) -> None:
    config = copy_config(tmp_path, certificate_dir, "127.0.0.1:5001")
    config.write_text(replace_once(config.read_text(), "proxy_buffering off;", "proxy_buffering;"))
    result = nginx_test(config, tmp_path)
    assert result.returncode != 0
    assert "proxy_buffering" in result.stderr


# --- structure -------------------------------------------------------------------------


def locations(tree: list[nginx_conf.Directive]) -> dict[tuple[str, ...], nginx_conf.Directive]:
    return {tuple(block.args): block for block in nginx_conf.blocks_named(tree, "location")}


def header_inheritance_violations(tree: list[nginx_conf.Directive]) -> list[str]:
    """Blocks that declare add_header (dropping the inherited ones) without the snippet."""
    violations = []
    for block in nginx_conf.walk(tree):
        if block.name not in {"location", "if"} or not block.children:
            continue
        includes = {d.args[0] for d in block.child_directives("include")}
        if block.child_directives("add_header") and SECURITY_SNIPPET not in includes:
            violations.append(" ".join(block.args))
    return violations


@pytest.fixture(scope="module")
def tree() -> list[nginx_conf.Directive]:
    return nginx_conf.parse((NGINX_DIR / "nginx.conf").read_text())


def test_security_headers_are_never_cancelled_by_a_location(
    tree: list[nginx_conf.Directive],
) -> None:
    assert header_inheritance_violations(tree) == []
    servers = nginx_conf.blocks_named(tree, "server")
    assert servers
    for server in servers:
        assert SECURITY_SNIPPET in {d.args[0] for d in server.child_directives("include")}


def test_the_inheritance_check_catches_a_location_that_adds_a_header() -> None:
    text = replace_once(
        (NGINX_DIR / "nginx.conf").read_text(),
        "location /v1/ {\n",
        'location /v1/ {\n            add_header X-Debug "1";\n',
    )
    assert header_inheritance_violations(nginx_conf.parse(text)) == ["/v1/"]


def test_upstream_request_headers_are_set_once_per_server(
    tree: list[nginx_conf.Directive],
) -> None:
    # Same inheritance rule as add_header: one proxy_set_header in a location drops the rest.
    assert all(not block.child_directives("proxy_set_header") for block in locations(tree).values())


def test_large_bodies_and_long_timeouts_only_where_needed(
    tree: list[nginx_conf.Directive],
) -> None:
    by_args = locations(tree)
    upload = by_args[UPLOAD_LOCATION]
    events = by_args[EVENTS_LOCATION]
    assert upload.value("client_max_body_size") == "100m"
    assert upload.value("proxy_request_buffering") == "off"
    assert events.value("proxy_buffering") == "off"
    assert events.value("proxy_read_timeout") == "1h"

    https_server = next(
        s
        for s in nginx_conf.blocks_named(tree, "server")
        if any("ssl" in d.args for d in s.child_directives("listen"))
    )
    assert https_server.value("proxy_read_timeout") == "30s"
    http_block = nginx_conf.blocks_named(tree, "http")[0]
    assert http_block.value("client_max_body_size") == "1m"
    long_timeouts = {
        tuple(block.args)
        for block in by_args.values()
        for name in ("proxy_read_timeout", "proxy_send_timeout", "client_body_timeout")
        if block.value(name) not in {None, "30s"}
    }
    assert long_timeouts == {UPLOAD_LOCATION, EVENTS_LOCATION}
    bodies = {tuple(b.args) for b in by_args.values() if b.value("client_max_body_size")}
    assert bodies == {UPLOAD_LOCATION}


def test_rate_limits_cover_the_api_routes(tree: list[nginx_conf.Directive]) -> None:
    by_args = locations(tree)
    zones = {
        args: {d.args[0] for d in block.child_directives("limit_req")}
        for args, block in by_args.items()
    }
    assert zones[UPLOAD_LOCATION] == {"zone=sum_upload", "zone=sum_api"}
    for args in (EVENTS_LOCATION, ("/v1/",), ("/schema",), ("=", "/asyncapi.yaml")):
        assert zones[args] == {"zone=sum_api"}, args


# --- a real nginx in front of a stub gateway --------------------------------------------


class StubGateway(BaseHTTPRequestHandler):
    """Answers every request with what it received, as JSON."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        received = len(self.rfile.read(length)) if length else 0
        body = json.dumps(
            {
                "method": self.command,
                "path": self.path,
                "received": received,
                "headers": {k.lower(): v for k, v in self.headers.items()},
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_DELETE = _answer

    def log_message(self, format: str, *args: object) -> None:
        return


@dataclass
class Edge:
    http: str
    https: str
    tls: ssl.SSLContext
    gateway_hits: list[str]


def wait_for_port(port: int, process: subprocess.Popen[bytes], deadline_s: float = 15) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        assert process.poll() is None, "nginx exited during start-up"
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"nginx did not listen on {port} within {deadline_s}s")


@pytest.fixture(scope="module")
def edge(tmp_path_factory: pytest.TempPathFactory, certificate_dir: Path) -> Iterator[Edge]:
    nginx = require_tool("nginx")
    hits: list[str] = []

    class RecordingGateway(StubGateway):
        def _answer(self) -> None:
            hits.append(f"{self.command} {self.path}")
            super()._answer()

        do_GET = do_POST = do_DELETE = _answer

    gateway = ThreadingHTTPServer(("127.0.0.1", 0), RecordingGateway)
    threading.Thread(target=gateway.serve_forever, daemon=True).start()
    prefix = tmp_path_factory.mktemp("nginx")
    http_port, https_port = free_port(), free_port()
    config = copy_config(
        prefix, certificate_dir, f"127.0.0.1:{gateway.server_address[1]}", (http_port, https_port)
    )
    log = (prefix / "nginx.log").open("wb")
    process = subprocess.Popen(
        [nginx, "-c", str(config), "-p", f"{prefix}/", "-g", "daemon off;"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(https_port, process)
        wait_for_port(http_port, process)
        yield Edge(
            http=f"http://127.0.0.1:{http_port}",
            https=f"https://127.0.0.1:{https_port}",
            tls=ssl.create_default_context(cafile=str(certificate_dir / "tls.crt")),
            gateway_hits=hits,
        )
    finally:
        process.terminate()
        process.wait(timeout=15)
        log.close()
        gateway.shutdown()
        gateway.server_close()


def assert_security_headers(response: httpx.Response) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (name, response.url)


def test_api_answers_carry_security_headers_and_forwarding_headers(edge: Edge) -> None:
    with httpx.Client(verify=edge.tls) as client:
        response = client.get(
            f"{edge.https}/v1/documents/abc", headers={"X-Forwarded-For": "6.6.6.6"}
        )
    assert response.status_code == 200
    assert_security_headers(response)
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    seen = response.json()["headers"]
    assert seen["x-forwarded-proto"] == "https"
    assert seen["x-forwarded-for"] == "127.0.0.1"  # the client's claim is replaced
    assert len(seen["x-request-id"]) == 32


def test_schema_keeps_security_headers_with_its_own_csp(edge: Edge) -> None:
    with httpx.Client(verify=edge.tls) as client:
        response = client.get(f"{edge.https}/schema/redoc")
    assert response.status_code == 200
    assert_security_headers(response)
    assert "script-src" in response.headers["content-security-policy"]
    assert len(response.headers.get_list("content-security-policy")) == 1


def test_metrics_and_unknown_paths_are_not_exposed(edge: Edge) -> None:
    with httpx.Client(verify=edge.tls) as client:
        responses = [client.get(f"{edge.https}{path}") for path in ("/metrics", "/admin")]
    assert [r.status_code for r in responses] == [404, 404]
    assert_security_headers(responses[0])
    assert not any(hit.endswith(("/metrics", "/admin")) for hit in edge.gateway_hits)


def test_plain_http_redirects_except_the_health_probe(edge: Edge) -> None:
    with httpx.Client() as client:
        redirect = client.get(f"{edge.http}/v1/documents?limit=5")
        probe = client.get(f"{edge.http}/nginx-health")
    assert redirect.status_code == 301
    assert redirect.headers["location"].endswith("/v1/documents?limit=5")
    assert redirect.headers["location"].startswith("https://")
    assert probe.status_code == 200


def test_only_the_upload_route_accepts_large_bodies(edge: Edge) -> None:
    body = b"x" * (2 * 1024 * 1024)
    with httpx.Client(verify=edge.tls, timeout=30) as client:
        upload = client.post(f"{edge.https}/v1/documents", content=body)
        elsewhere = client.post(f"{edge.https}/v1/documents/abc/text", content=body)
    assert upload.status_code == 200
    assert upload.json()["received"] == len(body)
    assert elsewhere.status_code == 413


def test_uploads_and_reads_have_separate_rate_limits(edge: Edge) -> None:
    with httpx.Client(verify=edge.tls) as client:
        uploads = [
            client.post(f"{edge.https}/v1/documents", content=b"{}").status_code for _ in range(40)
        ]
        listing = client.get(f"{edge.https}/v1/documents")
    # burst=20 with nodelay: about 20 pass at once (fewer if an earlier test spent some),
    # then the 5 r/s rate answers 429.
    assert uploads.count(200) >= 15
    assert set(uploads) == {200, 429}
    assert listing.status_code == 200
