"""Pages as PDF (the referral slip), drawn here by WeasyPrint: Pango shapes Arabic and
Persian and lays out right-to-left text. The PDF is made from our own page with our
own stylesheets; WeasyPrint fetches nothing else, from nowhere else."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import urlsplit

BASE = "http://finder.invalid/"


def available() -> bool:
    """WeasyPrint needs Pango from the system; without it there is no PDF, only print."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


def render(html: str, static_folder: str | None = None,
           extra: dict[str, str] | None = None) -> tuple[int, bytes]:
    """html as PDF, and its number of pages; its links to /static/… and to the paths in
    extra (path → CSS text) are answered from here, every other address is refused."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    static = Path(static_folder).resolve() if static_folder else None
    extra = extra or {}

    class OwnFiles(URLFetcher):
        def fetch(self, url: str, headers=None) -> URLFetcherResponse:
            path = urlsplit(url).path
            if path in extra:
                return URLFetcherResponse(url, extra[path].encode(), {"Content-Type": "text/css"})
            if static and path.startswith("/static/"):
                file = (static / path[len("/static/"):]).resolve()
                if file.is_relative_to(static) and file.is_file():
                    kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, file.read_bytes(), {"Content-Type": kind})
            raise ValueError(f"not fetched for a PDF: {url}")

    document = HTML(string=html, base_url=BASE, url_fetcher=OwnFiles()).render()
    return len(document.pages), document.write_pdf()
