""" "The voices we heard": a programme's (or a session's) report as HTML and PDF.

``data`` reads what the report shows through the apps' selectors, ``charts`` draws its charts
with matplotlib, ``render`` writes the HTML from a template and lays out the PDF with
WeasyPrint (``listening.pdf.html_to_pdf``).
"""

from listening.synthesis.report.data import ReportError, report_data, report_target
from listening.synthesis.report.render import LANGUAGES, Report, check_language, report_build

__all__ = [
    "LANGUAGES",
    "Report",
    "ReportError",
    "check_language",
    "report_build",
    "report_data",
    "report_target",
]
