"""The web app (``web/dist``, built by ``make setup``) served by the local runner at ``/``, with
the same security headers CloudFront adds in AWS and the ``/config.json`` the deployment writes
there: the app talks to this runner's API on the same origin."""

from __future__ import annotations

import json
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from coursewave.resources import WEB_APP

REPO_ROOT = Path(__file__).resolve().parent.parent
WEB_DIST = REPO_ROOT / "web" / "dist"
ASSETS_PREFIX = "/assets/"  # content-hashed file names: cached for good

NOT_BUILT_PAGE = b"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Coursewave</title></head><body><h1>The web app is not built</h1>
<p>Run <code>make setup</code> (it builds <code>web/</code>), then reload. The API is at
<a href="/v1/health">/v1/health</a>, its docs at <a href="/_local/docs">/_local/docs</a>.</p>
</body></html>"""


@dataclass(frozen=True)
class WebApp:
    """GET/HEAD of any path outside ``/v1/`` and ``/_local/``: a file of the build, or the app's
    ``index.html`` for its own client-side routes (``/courses/…``, ``/payments/…``)."""

    data_origins: tuple[str, ...]
    root: Path = WEB_DIST

    def headers(self, content_type: str, cache: str) -> dict[str, str]:
        return {
            "Content-Type": content_type,
            "Cache-Control": cache,
            "Content-Security-Policy": WEB_APP.content_security_policy("", self.data_origins),
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "DENY",
            "Referrer-Policy": WEB_APP.referrer_policy,
            "Cross-Origin-Opener-Policy": "same-origin",
        }

    def __call__(self, path: str) -> tuple[int, dict[str, str], bytes]:
        if path == WEB_APP.config_path:
            # Same origin: the API's URL is this runner's, so the app needs no absolute one.
            body = json.dumps({"api_url": "", "local_mode": True}).encode()
            return 200, self.headers("application/json", "no-store"), body
        index = self.root / "index.html"
        if not index.exists():
            return 200, self.headers("text/html; charset=utf-8", "no-store"), NOT_BUILT_PAGE
        found = self._file(path)
        if found is None:
            if Path(path).suffix:  # a missing file, not an app route
                return 404, self.headers("text/plain", "no-store"), b"not found"
            found = index
        content_type = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type.endswith("javascript"):
            content_type += "; charset=utf-8"
        cache = (
            "public, max-age=31536000, immutable" if path.startswith(ASSETS_PREFIX) else "no-cache"
        )
        return 200, self.headers(content_type, cache), found.read_bytes()

    def _file(self, path: str) -> Path | None:
        root = self.root.resolve()
        candidate = (root / path.lstrip("/")).resolve()
        if candidate == root or not candidate.is_relative_to(root) or not candidate.is_file():
            return None  # never outside the build (``/../``), never a directory
        return candidate
