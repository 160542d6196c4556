"""Uploaded documents that cannot carry code: pictures are redrawn, PDFs are read and refused when active.

A KTP scan or a diploma is opened by staff in a browser, so a file that only *starts* like a
picture or a PDF is not enough. JPEG and PNG files are decoded and encoded again by Pillow: what
comes out holds pixels only, no metadata, comments or bytes appended after the picture. PDFs cannot
be redrawn faithfully, so they are parsed with pypdf and refused when anything in them can run
(JavaScript, actions on opening or on an event, launching programs, forms with XFA), carries other
files, or when bytes sit before ``%PDF-`` or after the last ``%%EOF`` (a file that is two formats at
once). Every refusal is a ``ValidationError`` meant to be shown beside the form field.
"""

import io
import re
import warnings

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _

# What the first bytes of a file say it is; the name the uploader gave it proves nothing.
SIGNATURES = {b"%PDF-": "pdf", b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png"}
CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}
PILLOW_FORMATS = {"jpg": "JPEG", "png": "PNG"}

# A 48-megapixel phone photo passes; a few kilobytes that unpack into gigabytes of pixels do not.
MAX_PIXELS = 50_000_000
# A 2 MB file has far fewer objects than this; more means a file built to keep the parser busy.
MAX_PDF_OBJECTS = 100_000

# Markup a browser would run if it ever took the file for a web page; no scan or photo holds it. Each
# pattern is long enough that compressed pixels match it by chance less than once in a million files.
MARKUP = re.compile(rb"<(script|iframe|object|embed|!doctype)|<(html|body|meta)[\s>]|javascript:", re.IGNORECASE)

# PDF dictionary keys and values that make a viewer act on its own or carry another file.
ACTIVE_KEYS = {"/JS", "/JavaScript", "/OpenAction", "/AA", "/XFA", "/Launch"}
ACTIVE_ACTIONS = {
    "/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/ResetForm",
    "/GoToE", "/GoToR", "/Rendition", "/RichMediaExecute", "/Sound", "/Movie",
}  # fmt: skip
ATTACHMENT_KEYS = {"/EmbeddedFiles", "/EmbeddedFile", "/EF", "/RichMediaContent"}
ATTACHMENT_SUBTYPES = {"/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"}
TRAILING_WHITESPACE = b" \t\r\n\x00\x0c"


def kind_of(data: bytes) -> str | None:
    """``pdf``, ``jpg`` or ``png`` from the file's first bytes; None for anything else."""
    return next((kind for magic, kind in SIGNATURES.items() if data.startswith(magic)), None)


def document_clean(upload, *, kinds=("pdf", "jpg", "png")) -> SimpleUploadedFile:
    """The upload made safe to store, named ``document.<kind>``; ValidationError when it cannot be.

    Pictures come back re-encoded; a PDF comes back unchanged once nothing active was found in it.
    """
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    kind = kind_of(data)
    if kind is None and b"%PDF-" in data:
        raise ValidationError(
            _(
                "This file has other content before the PDF begins (it is two kinds of file at once), "
                "so it was refused. Save or print the document again as an ordinary PDF."
            ),
            code="pdf_prefix",
        )
    if kind not in kinds:
        raise ValidationError(
            _(
                "This file is not a PDF, JPG or PNG, whatever its name says. "
                "Upload a scan or photo in one of these formats."
            ),
            code="file_type",
        )
    if MARKUP.search(data):
        raise ValidationError(
            _(
                "This file contains web page code hidden inside it, so it was refused. "
                "Scan the document again or take a new photo and upload that file."
            ),
            code="markup",
        )
    clean = pdf_check(data) if kind == "pdf" else image_reencode(data, kind=kind)
    return SimpleUploadedFile(f"document.{kind}", clean, content_type=CONTENT_TYPES[kind])


# --- Pictures ---------------------------------------------------------------------------------


def image_reencode(data: bytes, *, kind: str) -> bytes:
    """The picture's pixels encoded afresh in the same format: no metadata, comments or extra bytes."""
    from PIL import Image

    with warnings.catch_warnings():
        # The portal's own limit below is lower than Pillow's warning threshold and says so in Indonesian.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=[PILLOW_FORMATS[kind]])
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise _too_many_pixels()
            # WeasyPrint lets Pillow load truncated pictures (grey below the cut); the structure check does not.
            image.verify()
            image = Image.open(io.BytesIO(data), formats=[PILLOW_FORMATS[kind]])
            image.load()
        except ValidationError:
            raise
        except Image.DecompressionBombError:
            raise _too_many_pixels() from None
        except Exception:  # Pillow raises many kinds of error on broken or hostile data
            raise ValidationError(
                _(
                    "This picture cannot be opened: the file is damaged or is not really a JPG or PNG. "
                    "Take the photo again."
                ),
                code="image_unreadable",
            ) from None
    return _encode_jpeg(image) if kind == "jpg" else _encode_png(image)


def _too_many_pixels() -> ValidationError:
    return ValidationError(
        _(
            "This picture has more pixels than the portal accepts (at most %(megapixels)s megapixels). "
            "Take the photo at a lower resolution or scan at 300 dpi."
        ),
        code="image_too_large",
        params={"megapixels": MAX_PIXELS // 1_000_000},
    )


def _encode_jpeg(image) -> bytes:
    from PIL import ImageOps

    output = io.BytesIO()
    # The orientation tag goes with the metadata, so a turned phone photo is turned upright first.
    if image.getexif().get(0x0112, 1) == 1 and image.format == "JPEG":
        image.info = {}
        image.save(output, format="JPEG", quality="keep", subsampling="keep")
    else:
        picture = ImageOps.exif_transpose(image)
        picture.info = {}
        picture.save(output, format="JPEG", quality=90)
    return output.getvalue()


def _encode_png(image) -> bytes:
    output = io.BytesIO()
    transparency = image.info.get("transparency")
    image.info = {} if transparency is None else {"transparency": transparency}
    image.save(output, format="PNG")
    return output.getvalue()


# --- PDFs -------------------------------------------------------------------------------------


def pdf_check(data: bytes) -> bytes:
    """The PDF's bytes when pypdf reads them and finds nothing that runs or carries other files."""
    if not data.rstrip(TRAILING_WHITESPACE).endswith(b"%%EOF"):
        raise ValidationError(
            _(
                "This PDF has other content after its end (it may be two kinds of file at once), "
                "so it was refused. Save or print the document again as an ordinary PDF."
            ),
            code="pdf_trailing_data",
        )
    reader = _pdf_reader(data)
    found = _pdf_findings(reader)
    if "active" in found:
        raise ValidationError(
            _(
                "This PDF contains scripts or actions that run when it is opened, so it was refused. "
                "Print the document to a new PDF, or upload a scan or photo of it."
            ),
            code="pdf_active",
        )
    if "attachment" in found:
        raise ValidationError(
            _(
                "This PDF carries other files attached inside it, so it was refused. "
                "Upload a PDF of the document alone, or a scan or photo of it."
            ),
            code="pdf_attachment",
        )
    return data


def _pdf_reader(data: bytes):
    from pypdf import PdfReader

    unreadable = ValidationError(
        _("This PDF cannot be read: the file is damaged or is not really a PDF. Save or scan it again."),
        code="pdf_unreadable",
    )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError(
                _("This PDF is protected by a password. Upload it without the password, or a scan or photo of it."),
                code="pdf_encrypted",
            )
        if len(reader.pages) < 1:
            raise unreadable
    except ValidationError:
        raise
    except Exception:  # pypdf raises many kinds of error on broken or hostile data
        raise unreadable from None
    return reader


def _pdf_findings(reader) -> set[str]:
    """``active`` and/or ``attachment`` for what any object of the file holds; refusals on broken files."""
    try:
        return _walk(reader)
    except ValidationError:
        raise
    except Exception:
        raise ValidationError(
            _("This PDF cannot be read: the file is damaged or is not really a PDF. Save or scan it again."),
            code="pdf_unreadable",
        ) from None


def _walk(reader) -> set[str]:
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    # Everything reachable from the trailer, and every object listed in the cross-reference table
    # (a viewer that repairs a file may see objects the trailer no longer points to).
    pending = [reader.trailer, *_listed_objects(reader)]
    seen: set[tuple[int, int]] = set()
    found: set[str] = set()
    visited = 0
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        visited += 1
        if visited > MAX_PDF_OBJECTS:
            raise ValidationError(
                _("This PDF is too complex to check. Save or print it again as an ordinary PDF."),
                code="pdf_too_complex",
            )
        if isinstance(item, DictionaryObject):
            found |= _dictionary_findings(item)
            pending.extend(item.values())
        elif isinstance(item, ArrayObject):
            pending.extend(item)
    return found


def _listed_objects(reader) -> list:
    from pypdf.generic import IndirectObject

    listed = [IndirectObject(num, generation, reader) for generation, table in reader.xref.items() for num in table]
    listed += [IndirectObject(num, 0, reader) for num in reader.xref_objStm]
    return listed


def _dictionary_findings(dictionary) -> set[str]:
    keys = {str(key) for key in dictionary}
    found = set()
    if keys & ACTIVE_KEYS or str(dictionary.get("/S", "")) in ACTIVE_ACTIONS:
        found.add("active")
    if keys & ATTACHMENT_KEYS or str(dictionary.get("/Subtype", "")) in ATTACHMENT_SUBTYPES:
        found.add("attachment")
    if str(dictionary.get("/Type", "")) == "/Filespec" and "/EF" in keys:
        found.add("attachment")
    return found
