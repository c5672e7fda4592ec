"""Demo payment methods: a bank transfer with plainly placeholder details, and cash on delivery."""

from orders.models import PaymentMethod

PLACEHOLDER_NOTE = (
    "Demo shop: these bank details are placeholders (IBAN in the documented example format). Send no money."
)

METHODS = [
    {
        "kind": "bank_transfer",
        "name": "Bank transfer",
        "position": 1,
        "account_holder": "Demo Shop Ltd (placeholder)",
        "bank_name": "DEMO BANK (placeholder)",
        "account_number": "GB33 BUKB 2020 1555 5555 55 (example)",
        "bank_code": "BUKBGB22 (example)",
        "instructions": PLACEHOLDER_NOTE,
    },
    {"kind": "cash_on_delivery", "name": "Cash on delivery", "position": 2, "countries": "GB, IE"},
]


def load_payment_methods() -> list[PaymentMethod]:
    """Create the demo methods of the kinds that have none yet; return the ones created."""
    existing = set(PaymentMethod.objects.values_list("kind", flat=True))
    return [PaymentMethod.objects.create(**fields) for fields in METHODS if fields["kind"] not in existing]
