"""The web app as the local runner serves it, over plain HTTP: the build, the app's routes as
index.html, /config.json, and the security headers (the same policy CloudFront sends)."""

from __future__ import annotations

import re
import socket

from coursewave.resources import WEB_APP
from tests.e2e.conftest import REPO_ROOT, LocalStack


def test_the_app_is_served_with_a_strict_csp_and_security_headers(stack: LocalStack) -> None:
    page = stack.api("GET", "/")
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "default-src 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert stack.state["moto_endpoint"] in csp  # uploads and media come from the local S3
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Referrer-Policy"] == WEB_APP.referrer_policy
    # No inline script: every <script> has a src from the build.
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page.text, re.S)
    assert scripts and all('src="/assets/' in attrs and not body.strip() for attrs, body in scripts)


def test_app_routes_are_index_html_and_missing_files_are_404(stack: LocalStack) -> None:
    index = (REPO_ROOT / "web" / "dist" / "index.html").read_text()
    for path in ("/courses/some-course", "/payments/pay_1?result=success", "/teach/new"):
        response = stack.api("GET", path)
        assert response.status_code == 200 and response.text == index, path
    assert stack.api("GET", "/assets/nope.js").status_code == 404
    asset = re.search(r'src="(/assets/[^"]+\.js)"', index).group(1)  # type: ignore[union-attr]
    served = stack.api("GET", asset)
    assert served.status_code == 200
    assert "javascript" in served.headers["Content-Type"]
    assert "immutable" in served.headers["Cache-Control"]
    assert stack.api("HEAD", "/").status_code == 200


def test_nothing_outside_the_build_is_served(stack: LocalStack) -> None:
    # A raw request line, so no client normalises the dot segments away.
    host, port = stack.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(b"GET /../../pyproject.toml HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        reply = b""
        while chunk := conn.recv(65536):
            reply += chunk
    assert b"[project]" not in reply
    assert reply.startswith(b"HTTP/1.1 404")


def test_the_config_points_the_app_at_this_runner(stack: LocalStack) -> None:
    config = stack.api("GET", "/config.json")
    assert config.json() == {"api_url": "", "local_mode": True}
    assert config.headers["Cache-Control"] == "no-store"
