"""How long a spreadsheet import takes (not a test: a benchmark), to set MAX_ROWS.

Builds CSV files of N organisations and N people (each person in an organisation and a city
already known) and imports each, a dry run then the real import, into a fresh SQLite file, as
the admin does. Prints rows per second.

    .venv/bin/python benchmarks/imports.py              # N = 1,000 (the import limit)
    .venv/bin/python benchmarks/imports.py --rows 2000

Results go in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, action="append")
    args = parser.parse_args()
    sizes = args.rows or [1_000]

    folder = Path(tempfile.mkdtemp(prefix="listening-bench-imports-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'imports.sqlite3'}"
    os.environ.setdefault("DATA_DIR", str(folder))
    os.environ["DEBUG"] = ""
    os.environ["DJANGO_SETTINGS_MODULE"] = "listening.config.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    from listening.dataio.resources import data_import, dataset_read
    from listening.people.models import Organisation, Person
    from listening.people.resources import OrganisationResource, PersonResource
    from listening.places.services import city_add

    call_command("migrate", verbosity=0)
    city_add(name="Durban", country="ZA")
    print(f"{'file':<24}{'rows':>8}{'dry run (s)':>14}{'import (s)':>12}{'rows/s':>9}")
    for n in sizes:
        Person.objects.all().delete()
        Organisation.objects.all().delete()
        organisations = "slug,name,kind,country,website\n" + "\n".join(
            f"org-{i},Organisation {i},civil_society,ZA," for i in range(n)
        )
        people = "slug,name,title,organisation,city,kind,consent_listed,consent_quoted\n" + (
            "\n".join(
                f'p-{i},Person {i},Researcher,org-{i % n},"Durban, ZA",resident,yes,no'
                for i in range(n)
            )
        )
        for name, resource, text in (
            ("organisations.csv", OrganisationResource, organisations),
            ("people.csv", PersonResource, people),
        ):
            timings = []
            for dry_run in (True, False):
                started = time.perf_counter()
                report = data_import(resource(), dataset_read(text.encode(), name), dry_run=dry_run)
                timings.append(time.perf_counter() - started)
                assert report.ok, report.errors[:3]
            print(f"{name:<24}{n:>8,}{timings[0]:>14.1f}{timings[1]:>12.1f}{n / timings[1]:>9.0f}")


if __name__ == "__main__":
    main()
