from django.db import migrations


def map_existing_orders(apps, schema_editor):
    """Orders placed before the payment choice: their way to pay is unknown, and the daily job cancelled them
    while they were "new" (unpaid), as it now cancels those awaiting payment; so "new" becomes "awaiting
    payment" and the job goes on as before. Each gets its history: placed when it was, and its status now
    (awaiting payment since it was placed; another as of its last change, the best time known). No email
    is owed for these steps."""
    Order = apps.get_model("orders", "Order")
    OrderEvent = apps.get_model("orders", "OrderEvent")
    Order.objects.filter(status="new").update(status="awaiting_payment")
    events = []
    for order in Order.objects.filter(events__isnull=True).iterator():
        events.append(OrderEvent(order=order, kind="placed", created_at=order.created_at))
        since = order.created_at if order.status == "awaiting_payment" else order.updated_at
        events.append(OrderEvent(order=order, kind=order.status, created_at=since, email_sent_at=since))
    OrderEvent.objects.bulk_create(events, batch_size=500)


def unmap(apps, schema_editor):
    Order = apps.get_model("orders", "Order")
    Order.objects.filter(status="awaiting_payment").update(status="new")


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0005_payment_methods_and_history"),
    ]

    operations = [
        migrations.RunPython(map_existing_orders, unmap),
    ]
