from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from cart.models import CODE_FORMAT, normalise_code


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


class CouponForm(forms.Form):
    code = forms.CharField(
        label="Coupon code",
        max_length=40,
        error_messages={
            "required": "Type a coupon code.",
            "max_length": "A coupon code is at most 40 characters.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        try:
            CODE_FORMAT(code)
        except ValidationError:
            raise ValidationError("A coupon code is letters, digits, hyphens or underscores.") from None
        return code
