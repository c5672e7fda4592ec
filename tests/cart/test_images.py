import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pytest_django.asserts import assertContains

from core.images import validate_image
from tests.factories import make_article, make_product, png
from tests.html import find_all, form_values, parse

pytestmark = pytest.mark.django_db


def test_a_file_that_is_not_an_image_is_refused():
    with pytest.raises(ValidationError, match="Upload a real image"):
        validate_image(SimpleUploadedFile("evil.png", b"<script>alert(1)</script>", content_type="image/png"))


def test_an_image_with_too_many_pixels_is_refused():
    with pytest.raises(ValidationError, match="too many pixels"):
        validate_image(png(8000, 6000, mode="1"))


def test_an_oversized_file_is_refused():
    with pytest.raises(ValidationError, match="larger than 8 MB"):
        validate_image(SimpleUploadedFile("big.png", b"\0" * (8 * 1024 * 1024 + 1)))


def test_a_real_image_passes():
    validate_image(png(100, 100))


def test_upload_is_stored_as_resized_webp_with_renditions():
    product = make_product(image=png(2000, 1000), image_alt="A test image")
    assert product.image.name.endswith(".webp")
    assert (product.image_width, product.image_height) == (1600, 800)
    with product.image.open() as stored, Image.open(stored) as image:
        assert (image.format, image.size) == ("WEBP", (1600, 800))
    assert [(r["width"], r["height"]) for r in product.renditions] == [(320, 160), (640, 320), (960, 480), (1600, 800)]
    assert product.srcset.endswith(f"{product.image.url} 1600w")


def test_product_page_image_has_size_srcset_and_alt(client):
    product = make_product(image=png(800, 800), image_alt="A test image")
    img = find_all(parse(client.get(product.get_absolute_url()).content), "img", **{"class": "product-image"})[0]
    attributes = dict(img.attributes)
    assert (attributes["width"], attributes["height"], attributes["alt"]) == ("800", "800", "A test image")
    assert "320w" in attributes["srcset"]
    assert "loading" not in attributes  # the main image loads at once


def test_images_in_the_guide_load_lazily(client):
    article = make_article()
    article.product_links.create(product=make_product(image=png(400, 400), image_alt="A test image"))
    img = find_all(parse(client.get(article.get_absolute_url()).content), "img", **{"class": "product-image"})[0]
    assert ("loading", "lazy") in img.attributes


def test_image_without_alt_text_fails_validation():
    product = make_product()
    product.image = png(10, 10)
    with pytest.raises(ValidationError, match="Describe the image"):
        product.full_clean()


def test_a_guide_hero_image_is_stored_re_encoded_without_what_rode_along():
    upload = png(2000, 1000, name="hero.pdf")  # a real PNG under a name the browser could open as a document
    upload.file.seek(0, io.SEEK_END)
    upload.file.write(b"<script>alert(1)</script>")  # bytes after the image end
    article = make_article(hero_image=upload, hero_image_alt="A test image")
    assert article.hero_image.name.startswith("articles/hero") and article.hero_image.name.endswith(".webp")
    assert (article.hero_image_width, article.hero_image_height) == (1600, 800)
    with article.hero_image.open() as stored:
        content = stored.read()
    assert content[:4] == b"RIFF" and content[8:12] == b"WEBP"
    assert b"<script>" not in content


def test_a_guide_hero_image_that_is_not_an_image_is_refused():
    article = make_article()
    article.hero_image = SimpleUploadedFile("hero.png", b"<script>alert(1)</script>", content_type="image/png")
    article.hero_image_alt = "A test image"
    with pytest.raises(ValidationError, match="Upload a real image"):
        article.full_clean()


def encoded(format: str, name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.effect_noise((256, 256), 64).convert("RGB").save(buffer, format)
    return SimpleUploadedFile(name, buffer.getvalue())


def truncated_jpeg() -> SimpleUploadedFile:
    """A JPEG whose header is whole but whose picture data stops half way."""
    whole = encoded("JPEG", "photo.jpg").read()
    return SimpleUploadedFile("cut.jpg", whole[: len(whole) // 2])


@pytest.mark.parametrize(
    "upload",
    [
        truncated_jpeg(),
        SimpleUploadedFile("corrupt.jpg", encoded("JPEG", "x.jpg").read()[:2000] + b"\xff" * 3000),
        encoded("TIFF", "photo.tif"),
        encoded("ICO", "photo.ico"),
        encoded("PCX", "photo.pcx"),
        encoded("TGA", "photo.tga"),
        SimpleUploadedFile("photo.eps", b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n"),
    ],
    ids=["truncated-jpeg", "corrupt-jpeg", "tiff", "ico", "pcx", "tga", "eps"],
)
def test_only_whole_jpeg_png_and_webp_images_are_accepted(upload):
    with pytest.raises(ValidationError, match=r"Upload a real image \(JPEG, PNG or WebP\)"):
        validate_image(upload)


@pytest.mark.parametrize("format", ["JPEG", "PNG", "WEBP"])
def test_each_accepted_format_passes(format):
    validate_image(encoded(format, f"photo.{format.lower()}"))


def test_a_stored_image_is_not_validated_again():
    product = make_product(image=png(100, 100), image_alt="A test image")
    product.refresh_from_db()
    product.full_clean()  # what the admin does on a save without a new upload


@pytest.mark.parametrize("path", ["/admin/catalogue/product/{pk}/change/", "/admin/articles/article/{pk}/change/"])
def test_a_truncated_upload_in_the_admin_is_refused_with_a_message(admin_client, path):
    product = make_product()
    article = make_article()
    target = product if "product" in path else article
    field = "image" if target is product else "hero_image"
    page = admin_client.get(path.format(pk=target.pk))
    data = {**form_values(page, method="post", enctype="multipart/form-data"), field: truncated_jpeg()}
    data[f"{field}_alt"] = "A test image"
    response = admin_client.post(path.format(pk=target.pk), data)
    assertContains(response, "Upload a real image (JPEG, PNG or WebP).", status_code=200)
