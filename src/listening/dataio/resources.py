"""The base of every spreadsheet resource: strict headers, no duplicates, a row limit, and
nothing written unless every row is valid."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import tablib
from import_export import resources
from import_export.results import Result

MAX_ROWS = 1_000


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (headers, duplicates, size); nothing is read."""


class ListeningResource(resources.ModelResource):
    """Column names are the field names; ``required_columns`` must be there, and a column the
    resource does not know is refused rather than silently ignored."""

    required_columns: tuple[str, ...] = ()
    #: columns whose values must be unique within the file, e.g. ("slug",)
    unique_columns: tuple[str, ...] = ()

    class Meta:
        abstract = True
        use_transactions = True
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def columns(self) -> list[str]:
        return [f.column_name for f in self.get_import_fields()]

    def before_import(self, dataset: tablib.Dataset, **kwargs: Any) -> None:
        try:
            self._check_file(dataset)
        except ImportFileError:
            dataset.wipe()  # no row-by-row noise after a file-level error
            raise
        super().before_import(dataset, **kwargs)

    def _check_file(self, dataset: tablib.Dataset) -> None:
        headers = [str(h or "").strip().lower() for h in dataset.headers or []]
        known = self.columns()
        unknown = [h for h in headers if h and h not in known]
        missing = [c for c in self.required_columns if c not in headers]
        if unknown or missing:
            problems = []
            if unknown:
                problems.append("unknown column(s) " + ", ".join(repr(h) for h in unknown))
            if missing:
                problems.append("missing column(s) " + ", ".join(repr(c) for c in missing))
            raise ImportFileError(
                f"The header row has {' and '.join(problems)}. The columns are: "
                f"{', '.join(known)} (download the template)."
            )
        dataset.headers = headers
        if len(dataset) > MAX_ROWS:
            raise ImportFileError(
                f"The file has {len(dataset):,} rows; at most {MAX_ROWS:,} are imported at a "
                "time. Split it into several files."
            )
        for column in self.unique_columns:
            if column not in headers:
                continue
            seen: dict[str, int] = {}
            for number, value in enumerate(dataset[column], start=1):
                key = str(value or "").strip()
                if not key:
                    continue
                if key in seen:
                    raise ImportFileError(
                        f"Row {number}, column {column}: {key!r} is already on row "
                        f"{seen[key]}; each {column} may appear once."
                    )
                seen[key] = number


@dataclass
class ImportReport:
    """What an import did, or why it did nothing: ``errors`` name the row and the column."""

    new: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def error_lines(result: Result) -> list[str]:
    """Every error of an import result as "Row N, column C: message" (rows count from the
    first row under the header)."""
    lines = [str(error.error) for error in result.base_errors]
    for number, errors in result.row_errors():
        lines.extend(f"Row {number}: {error.error}" for error in errors)
    for row in result.invalid_rows:
        for column, messages in row.field_specific_errors.items():
            lines.extend(f"Row {row.number}, column {column}: {m}" for m in messages)
        lines.extend(f"Row {row.number}: {m}" for m in row.non_field_specific_errors)
    return lines


def dataset_read(data: bytes, file_name: str) -> tablib.Dataset:
    """A CSV (UTF-8) or XLSX file as a dataset; ImportFileError says what is wrong with it."""
    suffix = file_name.rsplit(".", 1)[-1].lower()
    if suffix == "xlsx":
        try:
            return tablib.Dataset().load(data, format="xlsx")
        except Exception as exc:  # openpyxl raises several kinds for a damaged file
            raise ImportFileError(f"{file_name} is not a readable XLSX file ({exc}).") from None
    if suffix != "csv":
        raise ImportFileError(f"{file_name}: give a .csv or an .xlsx file.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"{file_name} is not UTF-8 text (byte {exc.start + 1}): save it as “CSV UTF-8” "
            "or as an XLSX workbook."
        ) from None
    return tablib.Dataset().load(text, format="csv")


def data_import(
    resource: ListeningResource, dataset: tablib.Dataset, *, dry_run: bool
) -> ImportReport:
    """Import every row or none: any error rolls the whole file back."""
    result = resource.import_data(
        dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
    )
    totals = result.totals
    errors = error_lines(result)
    if errors:
        return ImportReport(errors=errors)
    return ImportReport(
        new=totals.get("new", 0), updated=totals.get("update", 0), skipped=totals.get("skip", 0)
    )
