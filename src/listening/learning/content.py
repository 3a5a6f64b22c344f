"""Markdown rendered to HTML and sanitised: Python-Markdown (the reference implementation)
then nh3 (bindings to the Ammonia sanitiser), so an author's HTML cannot carry scripts,
event handlers or styles past the Content-Security-Policy."""

from __future__ import annotations

import html

import markdown  # type: ignore[import-untyped]
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "i", "li", "ol",
    "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul", "img",
    "figure", "figcaption", "dl", "dt", "dd",
}  # fmt: skip
MOODLE_TAGS = {"b", "i", "em", "strong", "code", "br", "sub", "sup"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "abbr": {"title"}}


def render_markdown(text: str) -> SafeString:
    rendered = markdown.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    cleaned = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(cleaned)


def render_question_text(text: str, text_format: str) -> SafeString:
    """A question's text in its GIFT format: Markdown and HTML are sanitised, the rest escaped."""
    if text_format in ("markdown", "html", "moodle"):
        if text_format == "moodle":
            cleaned = nh3.clean(text, tags=MOODLE_TAGS)
            return mark_safe(cleaned.replace("\n", "<br>"))
        return render_markdown(text)
    return mark_safe(html.escape(text).replace("\n", "<br>"))
