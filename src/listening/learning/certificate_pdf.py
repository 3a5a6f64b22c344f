"""The certificate as a PDF, drawn with fpdf2 (pure Python, no system libraries) in DejaVu
Sans, the font ``make assets`` copies next to the app: nothing is fetched at run time."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _
from fpdf import FPDF

from listening.learning.models import Certificate

FONT = Path(settings.PACKAGE_DIR) / "public" / "fonts" / "DejaVuSans.ttf"


def certificate_pdf(certificate: Certificate, *, verify_url: str) -> bytes:
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_title(_("Certificate of completion"))
    pdf.set_author("Listening")
    pdf.add_page()
    if FONT.exists():
        pdf.add_font("DejaVu", fname=str(FONT))
        family = "DejaVu"
    else:  # a checkout without `make assets`: the core font still renders Latin-1 text
        family = "Helvetica"
    width = pdf.w - 2 * pdf.l_margin
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_y(38)
    pdf.set_font(family, size=30)
    pdf.cell(width, 16, _("Certificate of completion"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font(family, size=14)
    pdf.cell(width, 10, _("This certifies that"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=26)
    pdf.cell(width, 16, certificate.name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=14)
    pdf.cell(width, 10, _("has completed the course"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=20)
    pdf.multi_cell(width, 12, certificate.course.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font(family, size=12)
    issued = formats.date_format(certificate.issued_at, "DATE_FORMAT")
    pdf.cell(width, 8, _("Issued on %(date)s") % {"date": issued}, align="C",
             new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.cell(width, 8, _("Verification code: %(code)s") % {"code": certificate.code},
             align="C", new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.cell(width, 8, _("Verify at %(url)s") % {"url": verify_url}, align="C",
             link=verify_url, new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    return bytes(pdf.output())
