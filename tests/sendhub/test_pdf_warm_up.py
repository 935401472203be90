"""The PDF warm-up each gunicorn and Celery worker runs as it starts (sendhub/pdf.py)."""

import os
import runpy
from pathlib import Path

from celery.signals import worker_process_init

from sendhub.pdf import warm_up

ROOT = Path(__file__).resolve().parents[2]


def test_warm_up_renders_a_real_pdf_with_the_print_stylesheet():
    assert warm_up() > 1000


def test_gunicorn_config_warms_each_worker_after_loading_the_app():
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert callable(config["post_worker_init"])


def test_celery_worker_processes_warm_up_on_start():
    import sendhub.celery  # noqa: F401 - connects the handler

    receivers = [r[1]() for r in worker_process_init.receivers]
    assert any(getattr(r, "__name__", "") == "warm_up_pdfs" for r in receivers)


def test_print_stylesheet_is_parsed_once_per_process_until_it_changes(tmp_path, monkeypatch):
    from sendhub import pdf

    assert pdf.print_stylesheet() is pdf.print_stylesheet()
    copy = tmp_path / "print.css"
    copy.write_text("@page { size: A5; }")
    monkeypatch.setattr(pdf.finders, "find", lambda path: str(copy))
    first = pdf.print_stylesheet()
    copy.write_text("@page { size: A4; }")
    os.utime(copy, ns=(1, 1))
    assert pdf.print_stylesheet() is not first
