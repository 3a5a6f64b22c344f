from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from listening.synthesis.selectors import pact, pact_programmes


def pact_page(request: HttpRequest) -> HttpResponse:
    """The Pact of every programme that has published commitments, chapter by axis."""
    programmes = [(p, pact(p)) for p in pact_programmes()]
    return render(request, "synthesis/pact.html", {"programmes": programmes})
