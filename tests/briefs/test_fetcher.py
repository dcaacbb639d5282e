"""The brief's URL fetcher serves its own assets and refuses everything else, unopened."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from pypdf import PdfReader
from weasyprint.urls import path2url

from advisor.briefs.fetcher import ASSET_DIR, AssetRefused, BriefURLFetcher, base_url, is_allowed
from advisor.briefs.render import html_to_pdf

OWN_CSS = base_url() + "brief.css"
REFUSED = [
    "file:///etc/passwd",
    "http://169.254.169.254/latest/meta-data/",
    "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
    "https://example.com/x.css",
    "HTTPS://example.com/brief.css",
    "http://127.0.0.1:9/brief.css",
    "ftp://example.com/brief.css",
    "data:text/css,body{color:red}",
    "javascript:alert(1)",
    "brief.css",  # relative: WeasyPrint must have resolved it against the base URL
    "file://evil.example/" + str(ASSET_DIR).lstrip("/") + "/brief.css",
    OWN_CSS + "?x=1",
    base_url() + "../brief.html",
    base_url() + "%2e%2e/brief.html",
    base_url() + "..%2f..%2f..%2fadvisor/settings.py",
    base_url() + "brief.css%00.png",
    base_url() + "missing.css",
    path2url(str(Path(__file__))),
]


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Record (and block) any attempt to open a connection."""
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def test_it_allows_the_brief_stylesheet() -> None:
    assert is_allowed(OWN_CSS)
    response = BriefURLFetcher().fetch(OWN_CSS)
    assert response.content_type == "text/css"
    assert b"@page" in response.read()


@pytest.mark.parametrize("url", REFUSED)
def test_it_refuses_anything_else(url: str, no_network: list[object]) -> None:
    assert not is_allowed(url)
    fetcher = BriefURLFetcher()
    with pytest.raises(AssetRefused):
        fetcher.fetch(url)
    assert fetcher.refused == [url]
    assert no_network == []


def test_it_refuses_a_symlink_leading_out_of_the_asset_directory(tmp_path: Path) -> None:
    root = tmp_path / "assets"
    root.mkdir()
    (root / "ok.css").write_text("p { color: red }")
    (root / "escape.css").symlink_to("/etc/passwd")
    assert is_allowed(path2url(str(root / "ok.css")), root)
    assert not is_allowed(path2url(str(root / "escape.css")), root)


def test_a_render_refuses_imports_links_images_and_attachments(
    tmp_path: Path, no_network: list[object]
) -> None:
    root = tmp_path / "assets"
    root.mkdir()
    (root / "main.css").write_text(
        '@import url("https://example.com/x.css");\n'
        '@import url("file:///etc/passwd");\n'
        '@import url("http://169.254.169.254/latest/meta-data/");\n'
        "body { background: url(http://169.254.169.254/img.png); }\n"
    )
    html = (
        "<html><head>"
        '<link rel="stylesheet" href="main.css">'
        '<link rel="stylesheet" href="https://example.com/y.css">'
        '<link rel="attachment" href="file:///etc/passwd">'
        '<link rel="attachment" href="main.css">'
        "<style>@import url(file:///etc/hostname);</style>"
        "</head><body><p>Hello 안녕하세요</p>"
        '<img src="file:///etc/passwd"><img src="http://169.254.169.254/latest/meta-data/">'
        '<a rel="attachment" href="main.css">own file as attachment</a>'
        "</body></html>"
    )
    fetcher = BriefURLFetcher(root)
    from weasyprint import HTML

    document = HTML(
        string=html, base_url=path2url(str(root) + "/"), url_fetcher=fetcher
    ).render()
    # The same stripping html_to_pdf does, then write.
    document.metadata.attachments = []
    for page in document.pages:
        page.links = [link for link in page.links if link[0] != "attachment"]
    pdf_path = tmp_path / "out.pdf"
    pdf_path.write_bytes(document.write_pdf())

    assert fetcher.served == [path2url(str(root / "main.css"))]
    refused = " ".join(fetcher.refused)
    for url in ("https://example.com/x.css", "file:///etc/passwd",
                "http://169.254.169.254/latest/meta-data/", "https://example.com/y.css",
                "file:///etc/hostname"):
        assert url in refused
    assert no_network == []
    reader = PdfReader(pdf_path)
    assert reader.attachments == {}
    assert b"/EmbeddedFile" not in pdf_path.read_bytes()
    assert "root:" not in "".join(page.extract_text() for page in reader.pages)


def test_html_to_pdf_embeds_no_attachment(tmp_path: Path) -> None:
    html = (
        '<html><head><link rel="attachment" href="brief.css"></head>'
        '<body><a rel="attachment" href="brief.css">x</a></body></html>'
    )
    path = tmp_path / "a.pdf"
    path.write_bytes(html_to_pdf(html))
    assert PdfReader(path).attachments == {}
    assert b"/EmbeddedFile" not in path.read_bytes()


def test_the_chart_fetcher_serves_only_this_renders_charts(no_network: list[object]) -> None:
    from advisor.briefs.render import ChartFetcher

    chart = base_url() + "charts/ranking.svg"
    fetcher = ChartFetcher({chart: b"<svg xmlns='http://www.w3.org/2000/svg'/>"})
    response = fetcher.fetch(chart)
    assert response.read() == b"<svg xmlns='http://www.w3.org/2000/svg'/>"
    assert response.headers["Content-Type"] == "image/svg+xml"
    assert fetcher.served == [chart]
    for url in (base_url() + "charts/other.svg", "file:///etc/passwd",
                "https://example.com/charts/ranking.svg", "data:image/svg+xml,<svg/>"):
        with pytest.raises(AssetRefused):
            fetcher.fetch(url)
    assert no_network == []
