from django import forms
from django.conf import settings


def quantity_field(**kwargs) -> forms.IntegerField:
    limit = settings.CART_MAX_QUANTITY
    message = f"Choose a quantity from 1 to {limit}."
    return forms.IntegerField(
        min_value=1,
        max_value=limit,
        error_messages={"invalid": message, "min_value": message, "max_value": message, "required": message},
        **kwargs,
    )


class ProductForm(forms.Form):
    """Which product an action is about."""

    product = forms.IntegerField(
        min_value=1,
        error_messages={"invalid": "Unknown product.", "min_value": "Unknown product.", "required": "Unknown product."},
    )

    def first_error(self) -> str:
        return str(next(iter(self.errors.values()))[0])


class QuantityForm(ProductForm):
    quantity = quantity_field()
