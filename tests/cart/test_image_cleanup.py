"""A product's image and renditions, a guide's hero image or a person's photo leave storage once the transaction that
replaced, cleared or deleted them commits; a change rolled back keeps them."""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from articles.models import Article
from catalogue.models import Product
from tests.factories import make_article, make_author, make_product, png
from tests.html import form_values

pytestmark = pytest.mark.django_db


def stored(folder: str = "") -> set[str]:
    """Every file in the media storage (MEDIA_ROOT, a temporary directory for each test), or in one folder of it."""
    root = Path(settings.MEDIA_ROOT)
    return {path.relative_to(root).as_posix() for path in (root / folder).rglob("*") if path.is_file()}


def files_of(product: Product) -> set[str]:
    return {product.image.name, *(r["name"] for r in product.renditions)}


@pytest.fixture
def product():
    product = make_product(image=png(1200, 600, name="jar.png"), image_alt="A jar")
    assert len(files_of(product)) == 4  # the image and its 320, 640 and 960 pixel renditions
    assert stored() == files_of(product)
    return product


@pytest.fixture
def guide():
    guide = make_article(hero_image=png(800, 400, name="runner.png"), hero_image_alt="A runner")
    assert stored("articles") == {guide.hero_image.name}
    return guide


def test_a_replaced_product_image_leaves_storage_with_its_renditions(product, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        product.image = png(1000, 500, name="new-jar.png")
        product.save()
    product.refresh_from_db()
    assert product.image.name.startswith("products/new-jar")
    assert len(product.renditions) == 4
    assert stored() == files_of(product)


def test_a_cleared_product_image_leaves_storage_with_its_renditions(
    product, admin_client, django_capture_on_commit_callbacks
):
    url = f"/admin/catalogue/product/{product.pk}/change/"
    data = form_values(admin_client.get(url), id="product_form") | {"image-clear": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(url, data).status_code == 302
    product.refresh_from_db()
    assert (product.image.name, product.renditions) == ("", [])
    assert stored() == set()


def test_a_deleted_product_takes_its_image_and_renditions_along(product, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        product.delete()
    assert stored() == set()


def test_products_deleted_together_in_the_admin_take_their_images_along(
    product, admin_client, django_capture_on_commit_callbacks
):
    other = make_product(image=png(400, 400), image_alt="A box")
    kept = make_product(image=png(400, 400), image_alt="A bottle")
    action = {"action": "delete_selected", "_selected_action": [product.pk, other.pk], "post": "yes"}
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post("/admin/catalogue/product/", action).status_code == 302
    assert list(Product.objects.all()) == [kept]
    assert stored() == files_of(kept)


def test_a_save_that_leaves_the_image_alone_deletes_nothing(product, admin_client, django_capture_on_commit_callbacks):
    url = f"/admin/catalogue/product/{product.pk}/change/"
    data = form_values(admin_client.get(url), id="product_form") | {"stock": "7"}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert admin_client.post(url, data).status_code == 302
    product.refresh_from_db()
    assert product.stock == 7
    assert stored() == files_of(product)
    assert not any("delete_on_commit" in callback.__qualname__ for callback in callbacks)


def test_an_image_change_rolled_back_keeps_the_old_files(product, guide, django_capture_on_commit_callbacks):
    before = stored()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        product.image = png(1000, 500, name="new-jar.png")
        product.save()
        guide.hero_image = ""
        guide.save()
        Product.objects.filter(pk=product.pk).delete()
        raise RuntimeError("something later in the same change failed")
    product.refresh_from_db()
    guide.refresh_from_db()
    assert before <= stored()  # the new upload's files stay behind; nothing the rows show is gone
    assert files_of(product) | {guide.hero_image.name} == before


def test_an_image_another_product_still_shows_is_kept(product, django_capture_on_commit_callbacks):
    copy = Product.objects.get(pk=product.pk)
    copy.pk, copy.slug, copy.sku = None, "copied-jar", "COPIED-JAR"
    copy.save()  # a copy of the row shows the same files
    with django_capture_on_commit_callbacks(execute=True):
        product.delete()
    assert stored() == files_of(copy)


def test_a_replaced_guide_hero_image_leaves_storage(guide, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        guide.hero_image = png(600, 300, name="walker.png")
        guide.save()
    guide.refresh_from_db()
    assert guide.hero_image.name.startswith("articles/walker")
    assert stored() == {guide.hero_image.name}


def test_a_cleared_guide_hero_image_leaves_storage(guide, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        guide.hero_image = ""
        guide.save()
    assert Article.objects.get(pk=guide.pk).hero_image.name == ""
    assert stored() == set()


def test_a_deleted_guide_takes_its_hero_image_along(guide, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        Article.objects.filter(pk=guide.pk).delete()
    assert stored() == set()


def test_a_persons_replaced_cleared_and_deleted_photo_leaves_storage(django_capture_on_commit_callbacks):
    person = make_author(photo=png(200, 200, name="pat.png"), photo_alt="Pat")
    first = person.photo.name
    assert stored() == {first}
    with django_capture_on_commit_callbacks(execute=True):
        person.photo = png(100, 100, name="pat-2.png")
        person.save()
    assert stored() == {person.photo.name} != {first}
    with django_capture_on_commit_callbacks(execute=True):
        person.photo = ""
        person.save()
    assert stored() == set()
    person.photo = png(100, 100, name="pat-3.png")
    person.save()
    with django_capture_on_commit_callbacks(execute=True):
        person.delete()
    assert stored() == set()


def test_a_save_of_other_fields_only_keeps_the_photo(django_capture_on_commit_callbacks):
    person = make_author(photo=png(200, 200, name="pat.png"), photo_alt="Pat")
    with django_capture_on_commit_callbacks(execute=True):
        person.bio = "A placeholder biography."
        person.save(update_fields=["bio"])
    assert stored() == {person.photo.name}
