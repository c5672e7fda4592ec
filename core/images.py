"""Uploaded images (product photos, guide hero images): validate uploads, store them re-encoded and
resized, make responsive renditions, and delete them from storage once replaced. Re-encoding keeps
only the pixels: whatever else rode along in the file (a script, metadata, a misleading extension)
is not stored or served."""

import io
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from PIL import Image, ImageOps

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_STORED_SIDE = 1600
RENDITION_WIDTHS = (320, 640, 960)
FORMAT, EXTENSION = "WEBP", ".webp"
# The formats we accept, and the only ones Pillow is asked to open: TIFF, ICO, EPS (handed to
# Ghostscript where it is installed) and the rest never reach a decoder.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
NOT_AN_IMAGE = "Upload a real image (JPEG, PNG or WebP)."


def validate_image(file) -> None:
    """Refuse anything that is not a real, whole, reasonably sized JPEG, PNG or WebP image. A file
    already stored (a form saved without a new upload) was checked when it came and is left alone."""
    if getattr(file, "_committed", False):
        return
    if file.size > MAX_UPLOAD_BYTES:
        raise ValidationError(f"The image is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB; upload a smaller one.")
    try:
        file.seek(0)
        with Image.open(file, formats=ACCEPTED_FORMATS) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError("The image has too many pixels; upload one under 40 megapixels.")
            image.load()  # decode it all: a truncated or corrupt file fails here, not when it is stored
    except ValidationError:
        raise
    except Exception:  # Pillow reports a bad file with many kinds of error (OSError, SyntaxError, struct.error...)
        raise ValidationError(NOT_AN_IMAGE) from None
    finally:
        file.seek(0)


def _encode(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, FORMAT, quality=82, method=4)
    return buffer.getvalue()


def is_new_upload(field_file) -> bool:
    """True when the model's image field holds a file just uploaded, not one already stored."""
    return bool(field_file) and not field_file._committed


def normalise(file) -> ContentFile:
    """Re-encode an upload as WebP no larger than MAX_STORED_SIDE, upright, without metadata."""
    file.seek(0)
    with Image.open(file, formats=ACCEPTED_FORMATS) as original:
        image = ImageOps.exif_transpose(original).convert("RGB")
    image.thumbnail((MAX_STORED_SIDE, MAX_STORED_SIDE))
    stem = PurePosixPath(file.name).stem or "image"
    return ContentFile(_encode(image), name=stem + EXTENSION)


def make_renditions(name: str) -> list[dict]:
    """Write narrower copies of the stored image `name`; return [{"width", "height", "name"}], widest last."""
    with default_storage.open(name) as stored, Image.open(stored, formats=[FORMAT]) as source:
        source.load()
    path = PurePosixPath(name)
    renditions = []
    for width in RENDITION_WIDTHS:
        if width >= source.width:
            break
        copy = source.copy()
        copy.thumbnail((width, source.height))
        target = default_storage.save(
            f"{path.parent}/renditions/{path.stem}-{width}w{EXTENSION}", ContentFile(_encode(copy))
        )
        renditions.append({"width": copy.width, "height": copy.height, "name": target})
    renditions.append({"width": source.width, "height": source.height, "name": name})
    return renditions


def delete_on_commit(model: type[models.Model], field: str, name: str | None, derived: Iterable[str] = ()) -> None:
    """Delete the stored image `name` and the files `derived` from it (its renditions) once the transaction
    commits: a change rolled back keeps them. A file some row of `model` still shows in `field` (a row
    copied with its image) is kept."""
    if not name:
        return
    files = sorted({name, *derived})

    def delete() -> None:
        if not model._base_manager.filter(**{field: name}).exists():
            for file in files:
                default_storage.delete(file)

    # robust: a storage error after the commit is logged; the change it followed is saved all the same.
    transaction.on_commit(delete, robust=True)


@contextmanager
def kept_tidy(instance: models.Model, field: str, update_fields: Iterable[str] | None = None) -> Iterator[None]:
    """Around a model's save(): a new upload in the image field `field` is stored re-encoded (normalise),
    and the file the row showed before, replaced or cleared by the save, is deleted once the transaction
    commits, with its renditions for a model that keeps them (a `renditions` field)."""
    model = type(instance)
    columns = [field, "renditions"] if hasattr(instance, "renditions") else [field]
    untouched = instance._state.adding or (update_fields is not None and field not in update_fields)
    before = None if untouched else model._base_manager.filter(pk=instance.pk).values(*columns).first()
    if is_new_upload(upload := getattr(instance, field)):
        setattr(instance, field, normalise(upload))
    yield
    if before and before[field] != getattr(instance, field).name:
        delete_on_commit(model, field, before[field], (rendition["name"] for rendition in before.get("renditions", [])))
