"""The only way the PDF brief may load anything: its own files, from one directory.

WeasyPrint fetches every stylesheet, ``@import``, image, font and ``<link rel=attachment>``
through a URL fetcher. Its default fetcher follows any ``http(s)://``, ``file://`` or
``data:`` URL, redirects included; rendering a brief with it would let a stray URL (or one
smuggled into company-controlled text) read local files into the PDF or reach internal
addresses such as a cloud metadata service. So the brief uses :class:`BriefURLFetcher`:

* only ``file://`` URLs whose real path (``..`` and symlinks resolved) lies inside
  :data:`ASSET_DIR` and has a known asset suffix, or is an ``.otf`` file in the brief's
  built font directory (``settings.BRIEF_FONT_DIR``, see ``fonts.py``);
* decided on the URL string alone: a refused URL never opens a connection or a file;
* nothing else (``http``, ``https``, ``data``, ``ftp``, other hosts, query strings), no
  redirects (there are no network handlers to redirect).

A refusal raises :class:`AssetRefused`; WeasyPrint logs it and renders without the resource.
Attachments are additionally stripped from the rendered document (``render.py``).
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from weasyprint.urls import URLFetcher, URLFetcherResponse, path2url

logger = logging.getLogger(__name__)

ASSET_DIR: Path = Path(settings.BASE_DIR) / "templates" / "brief" / "assets"
ALLOWED_SUFFIXES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}
FONT_SUFFIXES = {".otf": "font/otf"}  # in settings.BRIEF_FONT_DIR only


class AssetRefused(ValueError):
    """The URL is not one of the brief's own assets."""


def base_url() -> str:
    """The base URL relative references in the brief resolve against (a directory URL)."""
    return path2url(str(ASSET_DIR) + "/")


def resolve(url: str, root: Path | None = None) -> Path:
    """The asset file a URL names, or :class:`AssetRefused`. Touches the disk only to resolve
    a ``file://`` path that already passed the string checks."""
    root = (root or ASSET_DIR).resolve()
    if not isinstance(url, str) or "\x00" in url:
        raise AssetRefused("not a URL")
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:
        raise AssetRefused(f"malformed URL {url!r}") from exc
    if parts.scheme.lower() != "file":
        raise AssetRefused(f"scheme {parts.scheme or '(none)'!r} is not allowed: {url!r}")
    if parts.netloc not in ("", "localhost"):
        raise AssetRefused(f"file URL with a host is not allowed: {url!r}")
    if parts.query:
        raise AssetRefused(f"file URL with a query is not allowed: {url!r}")
    raw_path = unquote(parts.path)
    if not raw_path.startswith("/") or "\x00" in raw_path:
        raise AssetRefused(f"not an absolute path: {url!r}")
    # resolve() follows symlinks and "..", so the containment test sees the real file.
    path = Path(raw_path).resolve()
    if path.is_relative_to(root):
        suffixes = ALLOWED_SUFFIXES
    elif path.is_relative_to(Path(settings.BRIEF_FONT_DIR).resolve()):
        suffixes = FONT_SUFFIXES
    else:
        raise AssetRefused(f"outside the brief's assets: {url!r}")
    if path.suffix.lower() not in suffixes:
        raise AssetRefused(f"not an asset type the brief uses: {url!r}")
    if not path.is_file():
        raise AssetRefused(f"no such asset: {url!r}")
    return path


def is_allowed(url: str, root: Path | None = None) -> bool:
    """Would the brief's fetcher serve this URL? (A decision on the string plus the asset
    directory; never a network request.)"""
    try:
        resolve(url, root)
    except AssetRefused:
        return False
    return True


class BriefURLFetcher(URLFetcher):
    """WeasyPrint 70 fetcher serving the brief's own assets and refusing everything else.

    ``fetch`` is overridden completely, so urllib's openers (HTTP, FTP, data, redirects)
    that the base class installs are never reached.
    """

    def __init__(self, root: Path | None = None) -> None:
        super().__init__(allowed_protocols={"file"}, allow_redirects=False, fail_on_errors=False)
        self.root = root or ASSET_DIR
        self.refused: list[str] = []
        self.served: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        try:
            path = resolve(url, self.root)
        except AssetRefused:
            self.refused.append(url)
            logger.warning("brief: refused to fetch %r", url[:200])
            raise
        self.served.append(url)
        suffix = path.suffix.lower()
        content_type = ALLOWED_SUFFIXES.get(suffix) or FONT_SUFFIXES.get(suffix) or (
            mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        )
        headers_out = {"Content-Type": content_type}
        if content_type == "text/css":
            headers_out["Content-Type"] = "text/css; charset=utf-8"
        return URLFetcherResponse(path2url(str(path)), path.read_bytes(), headers_out)
