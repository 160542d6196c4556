"""Reference data in and out of the admin: export, change the file, preview the import, confirm it."""

import csv
import io

import openpyxl
import pytest
from django import forms
from django.urls import reverse

from disnaker.models import Kecamatan
from disnaker.roles import HEAD_OF_OFFICE, LPK_SUPERVISOR, TRAINING_OFFICER
from training.models import Vocation

pytestmark = pytest.mark.django_db


def _url(model, view: str) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")


def _form_data(form, format_name: str) -> dict:
    """What the page's form would post as shown (every column ticked), in the chosen format."""
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    (index,) = [value for value, label in form.fields["format"].choices if label.lower() == format_name]
    return data | {"format": index}


def _export(client, model, format_name: str) -> bytes:
    page = client.get(_url(model, "export"))
    assert page.status_code == 200
    response = client.post(_url(model, "export"), _form_data(page.context["form"], format_name))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    return response.content


def _import(client, model, format_name: str, name: str, content: bytes):
    """Uploads the file, checks that the preview changed nothing, then confirms it."""
    page = client.get(_url(model, "import"))
    data = _form_data(page.context["form"], format_name)
    data["import_file"] = io.BytesIO(content)
    data["import_file"].name = name
    preview = client.post(_url(model, "import"), data)
    assert preview.status_code == 200
    assert not preview.context["result"].has_errors(), preview.context["result"].base_errors
    confirm = preview.context["confirm_form"]
    return preview, client.post(_url(model, "process_import"), confirm.initial, follow=True)


@pytest.fixture
def officer(client, staff_user):
    user = staff_user(TRAINING_OFFICER)
    client.force_login(user)
    return user


def test_kecamatan_round_trip_through_csv(client, officer):
    kecamatan = Kecamatan.objects.create(code="99.99.01", name="Kecamatan Lama")
    rows = list(csv.DictReader(io.StringIO(_export(client, Kecamatan, "csv").decode("utf-8-sig"))))
    assert {"code": "99.99.01", "name": "Kecamatan Lama"} in rows
    changed = [row | {"name": "Kecamatan Baru"} if row["code"] == "99.99.01" else row for row in rows]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["code", "name"])
    writer.writeheader()
    writer.writerows(changed)

    preview, done = _import(client, Kecamatan, "csv", "kecamatan.csv", out.getvalue().encode())
    # The dry run shows the change as a difference…
    assert "Lama</del>" in preview.content.decode() and "Baru</ins>" in preview.content.decode()
    assert preview.context["result"].totals["update"] == 1
    assert done.status_code == 200
    kecamatan.refresh_from_db()
    assert kecamatan.name == "Kecamatan Baru"  # …and the confirmation saves it
    assert kecamatan.history.first().history_user == officer
    assert Kecamatan.objects.filter(code="99.99.01").count() == 1  # matched by its code, not added


def test_vocation_round_trip_through_xlsx_and_the_preview_saves_nothing(client, officer):
    vocation = Vocation.objects.create(code="las", name="Las", description="Pengelasan")
    book = openpyxl.load_workbook(io.BytesIO(_export(client, Vocation, "xlsx")))
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    assert header == ["code", "name", "description"]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "las":
            row[2].value = "Pengelasan SMAW dan GMAW"
    sheet.append(["tata-rias", "Tata Rias", "Rias pengantin"])
    buffer = io.BytesIO()
    book.save(buffer)

    page = client.get(_url(Vocation, "import"))
    data = _form_data(page.context["form"], "xlsx") | {"import_file": io.BytesIO(buffer.getvalue())}
    data["import_file"].name = "kejuruan.xlsx"
    preview = client.post(_url(Vocation, "import"), data)
    vocation.refresh_from_db()
    assert vocation.description == "Pengelasan" and not Vocation.objects.filter(code="tata-rias").exists()

    client.post(_url(Vocation, "process_import"), preview.context["confirm_form"].initial)
    vocation.refresh_from_db()
    assert vocation.description == "Pengelasan SMAW dan GMAW"
    assert Vocation.objects.get(code="tata-rias").name == "Tata Rias"


@pytest.mark.parametrize("format_name", ["csv", "xlsx"])
def test_exports_never_hand_a_formula_to_the_spreadsheet(client, officer, format_name):
    Vocation.objects.create(code="jebakan", name='=HYPERLINK("http://contoh.example","klik")', description="+1+2")
    content = _export(client, Vocation, format_name)
    if format_name == "csv":
        cells = [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for cell in row]
    else:
        cells = [cell for row in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)
                 for cell in row]  # fmt: skip
    assert '\'=HYPERLINK("http://contoh.example","klik")' in cells and "'+1+2" in cells
    assert not [cell for cell in cells if isinstance(cell, str) and cell.startswith(("=", "+", "-", "@"))]


def test_read_only_role_exports_but_cannot_import(client, staff_user):
    client.force_login(staff_user(HEAD_OF_OFFICE))
    assert client.get(_url(Kecamatan, "import")).status_code == 403
    assert client.post(_url(Kecamatan, "process_import"), {"import_file_name": "x"}).status_code == 403
    assert client.get(_url(Kecamatan, "export")).status_code == 200
    changelist = client.get(_url(Kecamatan, "changelist")).content.decode()
    assert _url(Kecamatan, "export") in changelist and _url(Kecamatan, "import") not in changelist


def test_a_role_without_change_permission_on_vocations_gets_403_on_their_import(client, staff_user):
    client.force_login(staff_user(LPK_SUPERVISOR))  # no training permission at all
    assert client.get(_url(Vocation, "import")).status_code == 403
    assert client.get(_url(Vocation, "export")).status_code == 403


def test_a_vocation_named_with_an_emoji_is_refused_in_the_preview(client, officer):
    content = "code,name,description\r\nlas,Las 🔥,Pengelasan\r\n".encode()
    page = client.get(_url(Vocation, "import"))
    data = _form_data(page.context["form"], "csv") | {"import_file": io.BytesIO(content)}
    data["import_file"].name = "kejuruan.csv"
    preview = client.post(_url(Vocation, "import"), data)
    assert preview.context["result"].has_validation_errors()
    assert "Tidak diperbolehkan: “🔥”." in preview.content.decode()
    assert not Vocation.objects.exists()
