"""The Content-Security-Policy header, and templates that need no exception to it."""

import re
from pathlib import Path

import pytest

import listening

TEMPLATES = sorted(Path(listening.__file__).parent.glob("*/templates/**/*.html"))
# <script> with a body that runs (JSON data blocks do not), style attributes or elements,
# inline event handlers and javascript: links are all refused by the policy.
INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I),
    re.compile(r"\sstyle\s*=", re.I),
    re.compile(r"<style[\s>]", re.I),
    re.compile(r"\son[a-z]+\s*=", re.I),
    re.compile(r"javascript:", re.I),
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/voices/", "/admin/login/", "/api/docs"])
def test_every_page_sends_a_strict_content_security_policy(client, path):
    policy = client.get(path)["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(p.parents[2])))
def test_template_has_no_inline_script_or_style(template):
    text = template.read_text()
    found = [m.group(0) for pattern in INLINE for m in pattern.finditer(text)]
    assert not found, f"{template}: {found}"
