from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from listening.places.gazetteer import GazetteerError
from listening.places.services import city_add


class Command(BaseCommand):
    help = "Add a city from the GeoNames gazetteer, e.g. listening city-add Durban --country ZA"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--country", help="ISO 3166-1 code or country name")
        parser.add_argument("--geonames-id", type=int, help="pick one of several candidates")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            city = city_add(
                name=options["name"], country=options["country"], geonames_id=options["geonames_id"]
            )
        except GazetteerError as exc:
            raise CommandError(
                exc.with_hint(country="--country", geonames_id="--geonames-id")
            ) from None
        self.stdout.write(
            f"{city.name}, {city.country} — {city.get_region_display()} "
            f"({city.latitude:.4f}, {city.longitude:.4f}), GeoNames {city.geonames_id}"
        )
