from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundWidget

from core.validators import multi_line, one_line
from orders import payment
from orders.addresses import AddressForm, country_name
from orders.models import Order, PaymentMethod

# Django's form EmailField allows 320 characters, its model EmailField stores 254.
EMAIL_LENGTH = Order._meta.get_field("email").max_length


class CheckoutForm(AddressForm):
    name = forms.CharField(
        max_length=120,
        label="Full name",
        validators=[one_line],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        max_length=EMAIL_LENGTH,
        help_text="For your order confirmation.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        max_length=40,
        required=False,
        label="Phone (optional)",
        validators=[one_line],
        help_text="Only if the courier needs to reach you.",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    notes = forms.CharField(
        max_length=1000,
        required=False,
        label="Notes (optional)",
        validators=[multi_line],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # What the visitor saw: a token against double submits and the total they agreed to.
    token = forms.CharField(max_length=Order._meta.get_field("idempotency_key").max_length, widget=forms.HiddenInput)
    expected_total = forms.DecimalField(max_digits=10, decimal_places=2, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False  # the template writes the form tag, the CSRF token and the button
        self.helper.layout = Layout("name", "email", "phone", self.address_layout(), "notes")
        self.helper.render_unmentioned_fields = True  # the hidden fields, and any field added later

    def customer(self) -> dict:
        fields = ["name", "email", "phone", "notes"]
        return {field: self.cleaned_data[field] for field in fields} | self.address_fields()


class DescribedRadioSelect(forms.RadioSelect):
    """Radio buttons each described by an element of their own (id "<option id>-summary")."""

    def create_option(self, *args, **kwargs) -> dict:
        option = super().create_option(*args, **kwargs)
        option["attrs"]["aria-describedby"] = f"{option['attrs']['id']}-summary"
        return option


class PaymentChoiceForm(forms.Form):
    """How the shopper pays: one of the enabled payment methods, offered for the delivery country.

    Sent with the checkout form (one HTML form), rendered by its own partial
    (orders/includes/payment_choice.html)."""

    payment_method = forms.TypedChoiceField(
        coerce=int,
        widget=DescribedRadioSelect,
        error_messages={
            "required": "Choose how you would like to pay.",
            "invalid_choice": "The way to pay you chose is no longer offered. Please choose another.",
        },
    )

    def __init__(self, *args, methods: list[PaymentMethod], country: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.methods = {method.pk: method for method in methods}
        field = self.fields["payment_method"]
        field.choices = [(method.pk, method.name) for method in methods]  # type: ignore[attr-defined]
        field.initial = methods[0].pk if methods else None
        self.country = country

    def clean_payment_method(self) -> PaymentMethod:
        method = self.methods[self.cleaned_data["payment_method"]]
        if self.country and not payment.is_available(method, self.country):
            raise ValidationError(
                f"{method.name} is not offered for delivery to {country_name(self.country)}. "
                "Please choose another way to pay."
            )
        return method

    def options(self) -> list[tuple[BoundWidget, str]]:
        """Each radio button with the line that explains it."""
        radios = self["payment_method"].subwidgets
        return [(radio, payment.summary(self.methods[int(radio.data["value"])])) for radio in radios]


class TrackOrderForm(forms.Form):
    number = forms.CharField(
        label="Order number",
        max_length=20,
        help_text="In your confirmation email, like K7MW-4QX9.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        max_length=EMAIL_LENGTH,
        help_text="The address you gave with the order.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_number(self) -> str:
        """The number as we print it, however it was typed: K7MW-4QX9 from "k7mw 4qx9" or "K7MW4QX9"."""
        code = "".join(char for char in self.cleaned_data["number"].upper() if char.isalnum())
        return f"{code[:4]}-{code[4:]}" if len(code) == 8 else code
