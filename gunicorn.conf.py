"""
gunicorn settings read from the working directory (`gunicorn sendhub.wsgi`): README
"Deploying", docs/deploy.md. Command-line options override these.

Each worker renders one tiny PDF as it starts (sendhub/pdf.py warm_up), so the first PDF a
fresh worker serves does not also pay for importing WeasyPrint and loading fonts.
"""

import os

workers = int(os.environ.get("WEB_CONCURRENCY", "3"))


def post_worker_init(worker):
    """After the worker has loaded the app (Django is set up), before it accepts requests."""
    from sendhub.pdf import warm_up

    size = warm_up()
    worker.log.info("Worker %s: PDF warm-up %s", worker.pid, "done" if size else "skipped")
