"""The run's report: every error and warning as CSV (UTF-8 with BOM, `;`), the
columns Fil;Rad;Kolumn;Meddelande. Messages are the forms' texts; identity
numbers never appear (run.mask)."""

import csv
import io

from django.utils.translation import gettext

HEADER = ["Fil", "Rad", "Kolumn", "Meddelande"]


def report_rows(summary):
    for message in summary.messages:
        text = message.text
        if message.warning:
            text = gettext("Warning: %(message)s") % {"message": text}
        yield [message.file, "" if message.row is None else str(message.row), message.column, text]


def report_csv(summary) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(report_rows(summary))
    return "\ufeff" + out.getvalue()
