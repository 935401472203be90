"""
Pupil documents as PDFs, drawn with WeasyPrint
from the same template bodies as the pages, styled by static/css/print.css (parsed once
per process: print_stylesheet).

WeasyPrint is imported inside functions: it is heavy and only PDF requests need it.
"""

import mimetypes
import os
from datetime import date
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string

# Relative URLs in PDF templates resolve against this; nothing is fetched from it.
PDF_BASE_URL = "https://sendhub.invalid/"


def _static_fetcher():
    """A URL fetcher that serves our static files from disk and refuses everything else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    static_prefix = "/" + settings.STATIC_URL.lstrip("/")

    class StaticFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parts = urlsplit(url)
            path = parts.path
            ours = f"{parts.scheme}://{parts.netloc}/" == PDF_BASE_URL
            found = (
                ours
                and path.startswith(static_prefix)
                and finders.find(path.removeprefix(static_prefix))
            )
            if not found:
                raise ValueError(f"PDFs may only use our own static files, not {url}")
            with open(found, "rb") as handle:
                body = handle.read()
            content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": content_type})

    return StaticFetcher(allowed_protocols=["https", "data"])


PRINT_CSS = "css/print.css"


@lru_cache(maxsize=4)
def _parsed_stylesheet(path, modified):
    from weasyprint import CSS

    return CSS(filename=path, base_url=PDF_BASE_URL, url_fetcher=_static_fetcher())


def print_stylesheet():
    """
    static/css/print.css parsed once per process (again if the file changes), passed to every
    PDF: parsing it took about a fifth of a passport's time when each PDF linked it.
    """
    path = finders.find(PRINT_CSS)
    return _parsed_stylesheet(path, os.stat(path).st_mtime_ns)


def render_pdf(template_name, context, *, request=None):
    """Render a template (extending pdf/base.html) to PDF bytes, with the print stylesheet."""
    from weasyprint import HTML

    html = render_to_string(template_name, context, request=request)
    document = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=_static_fetcher())
    return document.write_pdf(stylesheets=[print_stylesheet()])


def pdf_response(pdf, *, filename):
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    return response


def document_context(pupil, title, **extra):
    return {
        "pupil": pupil,
        "school": pupil.school,
        "document_title": title,
        "printed_on": date.today(),
        **extra,
    }


WARM_UP_HTML = (
    '<!doctype html><html lang="en"><head></head>'
    '<body class="pdf-document"><h1>Warm-up</h1><p>One tiny page.</p></body></html>'
)


def warm_up():
    """
    Render one tiny PDF with our print stylesheet, so a fresh worker process has imported
    WeasyPrint and loaded its fonts before the first real PDF is asked for. Called from the
    gunicorn post_fork hook (gunicorn.conf.py) and Celery's worker_process_init (celery.py).
    Returns the PDF's size in bytes; never raises (a failed warm-up only costs the first PDF).
    """
    try:
        from weasyprint import HTML

        html = HTML(string=WARM_UP_HTML, base_url=PDF_BASE_URL, url_fetcher=_static_fetcher())
        return len(html.write_pdf(stylesheets=[print_stylesheet()]))
    except Exception:  # noqa: BLE001 - warm-up is best effort; the real request reports errors
        return 0
