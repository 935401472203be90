"""What every worklist page shares: a CSV download of the rows it lists."""

import csv
from datetime import date

from django.http import HttpResponse


def csv_response(stem, header, rows):
    """A CSV attachment named <stem>-<today>.csv; never cached (it names pupils)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}-{date.today():%Y-%m-%d}.csv"'
    response["Cache-Control"] = "private, no-store"
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response
