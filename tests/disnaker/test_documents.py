"""Uploaded documents that cannot carry code (disnaker/documents.py): what is refused, what passes and how."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image, PngImagePlugin
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from disnaker import documents
from tests.factories import PDF_BYTES, jpeg_bytes, pdf_bytes, png_bytes

SCRIPT = b"<script>alert(1)</script>"


# --- Hostile files (also uploaded through every form by the apps' tests) ------------------------


def fake_jpeg() -> bytes:
    """The four magic bytes of a JPEG, then a script."""
    return b"\xff\xd8\xff\xe0" + SCRIPT


def html_pdf_polyglot() -> bytes:
    """A web page with a script first, then a valid PDF: a browser or a viewer each see their own file."""
    return b"<!DOCTYPE html><html><body>" + SCRIPT + b"</body></html>\n" + PDF_BYTES


def pdf_with_open_action() -> bytes:
    """A valid PDF that runs ``app.alert`` when it is opened."""
    writer = _writer()
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1);")}
    )
    return _written(writer)


def png_with_html() -> bytes:
    """A real picture carrying a web page in a text chunk and after its end."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<html><body><script>alert(document.cookie)</script></body></html>")
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue() + b"<html>" + SCRIPT + b"</html>"


HOSTILE = {
    "fake_jpeg": (fake_jpeg, "ktp.jpg", "markup"),
    "html_pdf_polyglot": (html_pdf_polyglot, "ijazah.pdf", "pdf_prefix"),
    "pdf_with_open_action": (pdf_with_open_action, "ijazah.pdf", "pdf_active"),
    "png_with_html": (png_with_html, "foto.png", "markup"),
}


def hostile_upload(name: str) -> SimpleUploadedFile:
    make, filename, _code = HOSTILE[name]
    return SimpleUploadedFile(filename, make(), content_type="application/octet-stream")


def _writer() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    return writer


def _written(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _clean(data: bytes, name="document", **kwargs) -> SimpleUploadedFile:
    return documents.document_clean(SimpleUploadedFile(name, data), **kwargs)


def _refusal(data: bytes, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        _clean(data, **kwargs)
    return refused.value


# --- The four files of the report, refused with a clear Indonesian message ----------------------


@pytest.mark.parametrize("name", list(HOSTILE))
def test_the_four_hostile_files_are_refused(name):
    make, _filename, code = HOSTILE[name]
    refusal = _refusal(make())
    assert refusal.code == code
    with translation.override("id"):
        message = " ".join(refusal.messages)
    assert "ditolak" in message or "bukan" in message
    assert "refused" not in message


def test_a_refusal_says_in_indonesian_what_to_do():
    with translation.override("id"):
        message = _refusal(pdf_with_open_action()).messages[0]
    assert message == (
        "PDF ini berisi skrip atau aksi yang berjalan saat dibuka, sehingga ditolak. "
        "Cetak dokumennya ke PDF baru, atau unggah hasil pindai atau fotonya."
    )


# --- Clean files pass -------------------------------------------------------------------------


def test_a_clean_pdf_passes_unchanged():
    clean = _clean(PDF_BYTES, name="3672014207010077.pdf")
    assert (clean.name, clean.content_type) == ("document.pdf", "application/pdf")
    assert clean.read() == PDF_BYTES
    assert len(PdfReader(io.BytesIO(PDF_BYTES)).pages) == 1


def test_a_pdf_made_by_weasyprint_passes():
    from weasyprint import HTML

    data = HTML(string="<h1>Ijazah</h1><p><a href='https://example.org'>tautan</a></p>").write_pdf()
    assert _clean(data).read() == data


def test_a_clean_png_is_stored_re_encoded_without_its_metadata():
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Budi Santoso 3672014207010077")
    buffer = io.BytesIO()
    Image.new("RGB", (30, 40), (200, 10, 10)).save(buffer, format="PNG", pnginfo=info)
    clean = _clean(buffer.getvalue())
    stored = clean.read()
    assert (clean.name, clean.content_type) == ("document.png", "image/png")
    assert b"3672014207010077" not in stored and b"tEXt" not in stored
    picture = Image.open(io.BytesIO(stored))
    assert (picture.format, picture.size, picture.getpixel((5, 5))) == ("PNG", (30, 40), (200, 10, 10))


def test_a_clean_jpeg_is_stored_re_encoded_without_exif_or_comment():
    exif = Image.Exif()
    exif[0x010E] = "NIK 3672014207010077"  # ImageDescription
    buffer = io.BytesIO()
    Image.new("RGB", (30, 40), "white").save(buffer, format="JPEG", exif=exif.tobytes(), comment=b"from a phone")
    clean = _clean(buffer.getvalue())
    stored = clean.read()
    assert (clean.name, clean.content_type) == ("document.jpg", "image/jpeg")
    assert stored != buffer.getvalue()
    assert b"3672014207010077" not in stored and b"Exif" not in stored and b"from a phone" not in stored
    picture = Image.open(io.BytesIO(stored))
    assert (picture.format, picture.size) == ("JPEG", (30, 40))


def test_a_turned_phone_photo_is_stored_upright():
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was held sideways: rotate 90° to show
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, format="JPEG", exif=exif.tobytes())
    picture = Image.open(io.BytesIO(_clean(buffer.getvalue()).read()))
    assert picture.size == (30, 40)
    assert 0x0112 not in picture.getexif()


def test_the_factories_files_pass():
    for data in (PDF_BYTES, pdf_bytes(size=2 * 1024 * 1024), jpeg_bytes(), png_bytes()):
        _clean(data)


# --- What else is refused ---------------------------------------------------------------------


def _pdf_with(key: str, value) -> bytes:
    writer = _writer()
    writer._root_object[NameObject(key)] = value
    return _written(writer)


def _action(kind: str, **entries) -> DictionaryObject:
    action = {NameObject("/S"): NameObject(kind)}
    action.update({NameObject(f"/{key}"): TextStringObject(value) for key, value in entries.items()})
    return DictionaryObject(action)


def test_a_pdf_running_javascript_from_its_name_tree_is_refused():
    names = DictionaryObject({NameObject("/JavaScript"): DictionaryObject({NameObject("/Names"): ArrayObject()})})
    assert _refusal(_pdf_with("/Names", names)).code == "pdf_active"


def test_a_pdf_with_an_additional_action_on_a_page_is_refused():
    writer = _writer()
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): _action("/JavaScript", JS="x()")})
    assert _refusal(_written(writer)).code == "pdf_active"


def test_a_pdf_launching_a_program_is_refused():
    assert _refusal(_pdf_with("/OpenAction", _action("/Launch", F="cmd.exe"))).code == "pdf_active"


def test_a_pdf_with_an_xfa_form_is_refused():
    form = DictionaryObject({NameObject("/Fields"): ArrayObject(), NameObject("/XFA"): TextStringObject("<xdp/>")})
    assert _refusal(_pdf_with("/AcroForm", form)).code == "pdf_active"


def test_a_pdf_carrying_an_attached_file_is_refused():
    writer = _writer()
    writer.add_attachment("invoice.exe", b"MZ")
    assert _refusal(_written(writer)).code == "pdf_attachment"


def test_a_javascript_key_spelled_with_escapes_is_still_found():
    data = _pdf_with("/OpenAction", _action("/JavaScript", JS="app.alert(1)"))
    data = data.replace(b"/JavaScript", b"/J#61vaScript")
    assert _refusal(data).code == "pdf_active"


def test_an_action_left_outside_the_trailers_reach_is_still_found():
    writer = _writer()
    writer._add_object(_action("/JavaScript", JS="app.alert(1)"))
    assert _refusal(_written(writer)).code == "pdf_active"


def test_a_pdf_with_data_after_its_end_is_refused():
    assert _refusal(PDF_BYTES + b"MZ\x90\x00 payload").code == "pdf_trailing_data"


def test_a_pdf_with_only_line_ends_after_its_end_passes():
    _clean(PDF_BYTES + b"\r\n\n")


def test_a_file_that_only_starts_like_a_pdf_is_refused():
    fake = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    assert _refusal(fake).code == "pdf_unreadable"


def test_a_password_protected_pdf_is_refused():
    writer = _writer()
    writer.encrypt(user_password="rahasia", owner_password="rahasia")
    assert _refusal(_written(writer)).code == "pdf_encrypted"


def test_a_truncated_picture_is_refused():
    assert _refusal(png_bytes()[:60]).code == "image_unreadable"


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    buffer = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(buffer, format="PNG")  # 100 megapixels in a few kilobytes
    assert len(buffer.getvalue()) < 100_000
    refusal = _refusal(buffer.getvalue())
    assert refusal.code == "image_too_large"
    with translation.override("id"):
        assert "paling banyak 50 megapiksel" in refusal.messages[0]


def test_a_photo_field_may_refuse_pdfs():
    assert _refusal(PDF_BYTES, kinds=("jpg", "png")).code == "file_type"


def test_plain_text_is_refused_as_not_a_document():
    assert _refusal(b"Ini hanya teks, bukan PDF.\n").code == "file_type"
