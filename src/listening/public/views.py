from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from listening.programmes.selectors import programme_counters, programme_current


def home(request: HttpRequest) -> HttpResponse:
    programme = programme_current()
    counters = programme_counters(programme) if programme else None
    return render(request, "public/home.html", {"programme": programme, "counters": counters})
