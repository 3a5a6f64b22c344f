"""Wall-clock times in a session's own time zone, turned into instants and back.

A session is planned in the time of the place it happens ("09:00 in Bogotá"); the database
keeps the instant. Two local times have no single instant: the hour skipped when the clocks go
forward, and the hour lived twice when they go back. Both are refused with a message rather
than guessed.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime
from functools import cache

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _


@cache
def timezone_choices() -> list[tuple[str, str]]:
    """Every IANA zone this system knows, sorted, as (value, label) choices."""
    names = sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})
    return [(name, name.replace("_", " ")) for name in names]


def local_to_instant(wall: datetime, zone_name: str) -> datetime:
    """The instant at which clocks in `zone_name` show `wall` (naive, or its tzinfo ignored)."""
    zone = zoneinfo.ZoneInfo(zone_name)
    naive = wall.replace(tzinfo=None)
    earlier = naive.replace(tzinfo=zone, fold=0)
    later = naive.replace(tzinfo=zone, fold=1)
    shown = formats.date_format(naive, "DATETIME_FORMAT")
    if earlier.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise ValidationError(
            _(
                "%(time)s does not exist in %(zone)s: the clocks go forward at that hour. "
                "Choose a time outside the skipped hour."
            ),
            code="nonexistent_time",
            params={"time": shown, "zone": zone_name},
        )
    if earlier.utcoffset() != later.utcoffset():
        raise ValidationError(
            _(
                "%(time)s happens twice in %(zone)s: the clocks go back at that hour. "
                "Choose a time outside the repeated hour."
            ),
            code="ambiguous_time",
            params={"time": shown, "zone": zone_name},
        )
    return earlier.astimezone(UTC)


def instant_to_local(instant: datetime, zone_name: str) -> datetime:
    """The wall-clock time (naive) shown in `zone_name` at `instant`."""
    return instant.astimezone(zoneinfo.ZoneInfo(zone_name)).replace(tzinfo=None)
