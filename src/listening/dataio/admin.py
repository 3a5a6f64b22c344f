"""What the admin of every imported model shares: django-import-export's import (a dry run
that shows every change, then a confirmation; nothing written unless every row is valid),
export as CSV, XLSX and JSON, and the empty templates to fill in."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, JSON, XLSX

from listening.dataio.resources import ImportFileError


class SpreadsheetMixin(ImportExportMixin):
    """Put before ``admin.ModelAdmin`` (or a translation admin) in the bases."""

    import_formats = [CSV, XLSX]
    export_formats = [CSV, XLSX, JSON]
    from_encoding = "utf-8-sig"
    import_template_name = "admin/dataio/import.html"

    def get_import_data_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        data = super().get_import_data_kwargs(**kwargs)
        data["rollback_on_validation_errors"] = True  # all rows or none
        data["use_transactions"] = True
        return dict(data)

    def add_data_read_fail_error_to_form(self, form: Any, e: Exception) -> None:
        if isinstance(e, UnicodeDecodeError):
            message = gettext(
                "The file is not UTF-8 text (byte %(byte)d): save it as “CSV UTF-8” or as an "
                "XLSX workbook, and choose the matching format."
            ) % {"byte": e.start + 1}
        elif isinstance(e, ImportFileError):
            message = str(e)
        else:
            message = gettext(
                "This file cannot be read as the format chosen (%(error)s): check the format, "
                "or start from the template."
            ) % {"error": e}
        form.add_error("import_file", message)

    def get_urls(self) -> list[URLPattern]:
        opts = self.model._meta
        own = [
            path(
                "import-template.<str:fmt>",
                self.admin_site.admin_view(self.import_template),
                name=f"{opts.app_label}_{opts.model_name}_import_template",
            )
        ]
        return own + list(super().get_urls())

    def import_template(self, request: HttpRequest, fmt: str) -> HttpResponse:
        """The header row (and nothing else) of the import, as CSV or XLSX."""
        if not self.has_import_permission(request) or fmt not in {"csv", "xlsx"}:
            return HttpResponse(status=404)
        resource = self.get_import_resource_classes(request)[0]()
        dataset = resource.export(queryset=self.model.objects.none())
        content = dataset.export(fmt)
        types = {
            "csv": "text/csv; charset=utf-8",
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
        response = HttpResponse(
            content.encode("utf-8") if isinstance(content, str) else content,
            content_type=types[fmt],
        )
        name = self.model._meta.model_name
        response["Content-Disposition"] = f'attachment; filename="{name}-template.{fmt}"'
        return response

    def import_action(self, request: HttpRequest, **kwargs: Any) -> Any:
        response = super().import_action(request, **kwargs)
        opts = self.model._meta
        if hasattr(response, "context_data"):
            response.context_data["template_url_name"] = (
                f"admin:{opts.app_label}_{opts.model_name}_import_template"
            )
        return response
