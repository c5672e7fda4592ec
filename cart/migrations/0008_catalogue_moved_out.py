import django.db.models.deletion
from django.db import migrations, models

MOVED = ["product", "productcategory", "supplementfacts", "ingredient"]


def move_content_types(apps, source: str, target: str) -> None:
    """The moved models' content types follow them, so their permissions (and the groups holding them),
    admin log entries and history keep pointing at them."""
    content_type = apps.get_model("contenttypes", "ContentType")
    taken = set(content_type.objects.filter(app_label=target, model__in=MOVED).values_list("model", flat=True))
    content_type.objects.filter(app_label=source, model__in=set(MOVED) - taken).update(app_label=target)


def content_types_to_catalogue(apps, schema_editor) -> None:
    move_content_types(apps, "cart", "catalogue")


def content_types_to_cart(apps, schema_editor) -> None:
    move_content_types(apps, "catalogue", "cart")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('orders', '0011_product_in_catalogue'),
        ('articles', '0011_product_in_catalogue'),
        ('cart', '0007_control_characters'),
        ('catalogue', '0001_initial'),
    ]

    # The models moved from the cart app to the catalogue with their tables (db_table keeps the old names):
    # the database has nothing to do, only Django's picture of it changes.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='ingredient',
                    name='product',
                ),
                migrations.RemoveIndex(
                    model_name='product',
                    name='product_search_vector',
                ),
                migrations.RemoveConstraint(
                    model_name='product',
                    name='sale_price_below_price',
                ),
                migrations.RemoveField(
                    model_name='supplementfacts',
                    name='product',
                ),
                migrations.AlterField(
                    model_name='cartline',
                    name='product',
                    field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='catalogue.product'),
                ),
                migrations.DeleteModel(
                    name='Ingredient',
                ),
                migrations.RemoveField(
                    model_name='product',
                    name='category',
                ),
                migrations.DeleteModel(
                    name='SupplementFacts',
                ),
                migrations.DeleteModel(
                    name='Product',
                ),
                migrations.DeleteModel(
                    name='ProductCategory',
                ),
    
            ],
        ),
        migrations.RunPython(content_types_to_catalogue, content_types_to_cart),
    ]
