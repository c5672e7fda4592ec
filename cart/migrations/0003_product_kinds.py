"""Give the demo products their kinds; every other product stays "other" until staff choose."""

from django.db import migrations

KINDS = {
    "supplement": ["DEMO-MAG-01", "DEMO-POT-01", "DEMO-IRN-01", "DEMO-PRO-01", "DEMO-HYD-01"],
    "equipment": ["DEMO-ROL-01", "DEMO-MAT-01"],
}


def set_kinds(apps, schema_editor):
    Product = apps.get_model("cart", "Product")
    for kind, skus in KINDS.items():
        Product.objects.filter(sku__in=skus).update(kind=kind)


class Migration(migrations.Migration):
    dependencies = [("cart", "0002_supplement_facts")]

    operations = [migrations.RunPython(set_kinds, migrations.RunPython.noop)]
