from django.db import migrations, models

BATCH = 1000


def mailbox(email: str) -> str:
    """core.ratelimits.mailbox() as it was when this migration was written: history replays the same."""
    local, _, domain = email.strip().lower().rpartition("@")
    return f"{local.split('+')[0].replace('.', '')}@{domain}"


def fill_mailboxes(apps, schema_editor):
    """Fold the email of every order placed before the column: a coupon's uses per customer count them too."""
    Order = apps.get_model("orders", "Order")
    batch = []
    for order in Order.objects.only("email").iterator(chunk_size=BATCH):
        order.mailbox = mailbox(order.email)
        batch.append(order)
        if len(batch) == BATCH:
            Order.objects.bulk_update(batch, ["mailbox"])
            batch = []
    Order.objects.bulk_update(batch, ["mailbox"])


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0008_pay_by_and_holders"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="mailbox",
            field=models.CharField(default="", editable=False, max_length=254),
            preserve_default=False,
        ),
        migrations.RunPython(fill_mailboxes, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="order",
            name="mailbox",
            field=models.CharField(db_index=True, editable=False, max_length=254),
        ),
    ]
