"""Photos of a unit: checked to be images, re-encoded (no location metadata kept), thumbnailed."""

import uuid
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from werkzeug.datastructures import FileStorage

from workshop.durable import write_durably
from workshop.models import Photo, StageRecord, Unit, User
from workshop.services.errors import Invalid

MAX_SIDE = 2000
MAX_PIXELS = 40_000_000
THUMB_SIDE = 240


def photo_dir() -> Path:
    return Path(current_app.config["PHOTO_DIR"])


def thumb_name(filename: str) -> str:
    return filename.replace(".jpg", ".thumb.jpg")


@dataclass
class PreparedPhoto:
    """A photo written to disk but not yet in the database; discarded if the change fails."""

    filename: str

    def discard(self) -> None:
        for name in (self.filename, thumb_name(self.filename)):
            (photo_dir() / name).unlink(missing_ok=True)


def prepare(upload: FileStorage) -> PreparedPhoto | None:
    """Store an uploaded image as JPEG plus thumbnail; None when no file was chosen."""
    if not upload.filename:
        return None
    try:
        with Image.open(BytesIO(upload.read())) as image:
            # Refuse before decoding: a small file can unpack to gigabytes on an old laptop.
            if image.width * image.height > MAX_PIXELS:
                raise Invalid(_l("That photo is too large (over 40 megapixels)."))
            image.load()
            picture = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise Invalid(_l("That file is not a photo the app can read (JPEG, PNG, WebP).")) from None
    filename = f"{uuid.uuid4().hex}.jpg"
    picture.thumbnail((MAX_SIDE, MAX_SIDE))
    # On disk before the database row that names it is committed (synchronous=FULL).
    write_durably(photo_dir() / filename, lambda file: picture.save(file, "JPEG", quality=85))
    picture.thumbnail((THUMB_SIDE, THUMB_SIDE))
    write_durably(
        photo_dir() / thumb_name(filename), lambda file: picture.save(file, "JPEG", quality=80)
    )
    return PreparedPhoto(filename)


def attach(prepared: PreparedPhoto, unit: Unit, record: StageRecord | None, actor: User) -> Photo:
    return Photo(
        unit=unit,
        record=record,
        stage=unit.stage,
        filename=prepared.filename,
        uploaded_by_id=actor.id,
    )
