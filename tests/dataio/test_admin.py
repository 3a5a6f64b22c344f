"""Import and export from the admin: preview, confirm, all or nothing, templates."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from listening.dataio.resources import dataset_read
from listening.people.models import Organisation
from tests import factories

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:people_organisation_import")
PROCESS = reverse("admin:people_organisation_process_import")


def _rows(n, bad_row=None):
    lines = ["slug,name,kind,country,website"]
    for i in range(1, n + 1):
        kind = "unknown-kind" if i == bad_row else "academia"
        lines.append(f"org-{i},Organisation {i},{kind},FR,")
    return "\n".join(lines).encode()


def _upload(client, content, name="organisations.csv", fmt="0"):
    return client.post(IMPORT, {"format": fmt, "import_file": SimpleUploadedFile(name, content)})


def test_admin_import_preview_then_confirm_writes_rows(admin_client):
    response = _upload(admin_client, _rows(25))
    assert response.status_code == 200
    confirm = response.context["confirm_form"]
    assert confirm is not None and not Organisation.objects.exists()  # the preview only
    assert response.context["result"].totals["new"] == 25
    done = admin_client.post(PROCESS, {**confirm.initial})
    assert done.status_code == 302
    assert Organisation.objects.count() == 25


def test_admin_import_one_bad_row_shows_row_and_field_and_offers_no_confirm(admin_client):
    response = _upload(admin_client, _rows(30, bad_row=12))
    assert "confirm_form" not in response.context or not response.context["confirm_form"]
    [invalid] = response.context["result"].invalid_rows
    assert invalid.number == 12 and "kind" in invalid.field_specific_errors
    assert "unknown-kind" in response.content.decode()
    assert not Organisation.objects.exists()


def test_admin_import_wrong_header_and_not_utf8_have_clear_messages(admin_client):
    page = _upload(admin_client, b"slug,nom,kind\nx,X,academia").content.decode()
    assert "unknown column(s) &#x27;nom&#x27;" in page
    page = _upload(admin_client, "slug,name,kind\nsão,São,academia".encode("latin-1"))
    assert "is not UTF-8 text" in page.content.decode()
    assert not Organisation.objects.exists()


def test_admin_import_page_links_templates_that_have_the_columns(admin_client):
    page = admin_client.get(IMPORT).content.decode()
    url = reverse("admin:people_person_import_template", args=["xlsx"])
    assert reverse("admin:people_organisation_import_template", args=["csv"]) in page
    template = admin_client.get(url)
    headers = dataset_read(template.content, "t.xlsx").headers
    assert headers[:3] == ["slug", "name", "title"] and "consent_listed" in headers


def test_admin_export_json_and_xlsx(admin_client):
    factories.OrganisationFactory(slug="uclg", name="UCLG")
    url = reverse("admin:people_organisation_export")
    form = admin_client.get(url).context["form"]
    json_index = next(i for i, label in form.fields["format"].choices if label == "json")
    data = {
        "format": json_index,
        **{f: "on" for f in form.fields if f.startswith("organisationresource_")},
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b'"slug": "uclg"' in body or b'"slug":"uclg"' in body
    assert io.BytesIO(body).read(1) == b"["


def test_admin_programme_data_download_zip(admin_client):
    import zipfile

    voice = factories.VoiceFactory()
    programme = voice.session.programme
    change = reverse("admin:programmes_programme_change", args=[programme.pk])
    url = reverse("admin:programmes_programme_data", args=[programme.pk])
    assert url in admin_client.get(change).content.decode()
    response = admin_client.get(url + "?audience=organisers")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert f"{programme.slug}/voices.xlsx" in archive.namelist()
    voices = dataset_read(archive.read(f"{programme.slug}/voices.csv"), "voices.csv")
    assert voices.dict[0]["text"] == voice.text and "status" in voices.headers
    public = zipfile.ZipFile(io.BytesIO(admin_client.get(url + "?audience=public").content))
    assert (
        "status" not in dataset_read(public.read(f"{programme.slug}/voices.csv"), "v.csv").headers
    )


def test_admin_import_of_50000_rows_is_refused_with_a_message(admin_client):
    page = _upload(admin_client, _rows(50_000)).content.decode()
    assert "The file has 50,000 rows; at most 1,000 are imported at a time." in page
    assert not Organisation.objects.exists()
