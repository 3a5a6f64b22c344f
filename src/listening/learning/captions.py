"""WebVTT captions: validated with webvtt-py (a maintained reader) and turned into a
transcript shown beside the player."""

from __future__ import annotations

import io
from dataclasses import dataclass

import webvtt
from django.utils.translation import gettext as _
from webvtt.errors import MalformedCaptionError, MalformedFileError


class CaptionError(ValueError):
    """A captions file that is not valid WebVTT; the message says where."""


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


def read_captions(data: bytes) -> list[Cue]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CaptionError(_("The captions file is not UTF-8 text.")) from None
    if not text.lstrip().startswith("WEBVTT"):
        raise CaptionError(_("Not a WebVTT file: the first line must be WEBVTT."))
    try:
        captions = webvtt.from_buffer(io.StringIO(text), strict=True)
    except (MalformedFileError, MalformedCaptionError) as exc:
        raise CaptionError(_("Not a valid WebVTT file: %(error)s") % {"error": exc}) from None
    cues: list[Cue] = []
    for caption in captions.captions:
        start = _seconds(caption.start)
        end = _seconds(caption.end)
        if end <= start:
            raise CaptionError(
                _("The cue at %(start)s ends before it starts.") % {"start": caption.start}
            )
        cues.append(Cue(start, end, caption.text))
    if not cues:
        raise CaptionError(_("The captions file has no cues."))
    return cues


def _seconds(stamp: str) -> float:
    parts = [float(part) for part in stamp.split(":")]
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + part
    return seconds


def write_captions(cues: list[Cue]) -> str:
    def stamp(value: float) -> str:
        hours, rest = divmod(value, 3600)
        minutes, seconds = divmod(rest, 60)
        return f"{int(hours):02d}:{int(minutes):02d}:{seconds:06.3f}"

    lines = ["WEBVTT", ""]
    for cue in cues:
        lines += [f"{stamp(cue.start)} --> {stamp(cue.end)}", cue.text, ""]
    return "\n".join(lines)
