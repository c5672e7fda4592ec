import unicodedata

from babel import Locale
from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

COUNTRIES = sorted(Locale("en").territories.items(), key=lambda item: item[1])
COUNTRY_CHOICES = [(code, name) for code, name in COUNTRIES if len(code) == 2 and code.isalpha() and code != "ZZ"]


def one_line(value: str) -> None:
    """Refuse line breaks, tabs and other control characters: these fields go on one line (and into email headers)."""
    if any(unicodedata.category(char) in {"Cc", "Zl", "Zp"} for char in value):
        raise ValidationError(
            "Write this on one line, without line breaks, tabs or other control characters.", code="one_line"
        )


class CheckoutForm(forms.Form):
    name = forms.CharField(
        max_length=120,
        label="Full name",
        validators=[one_line],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        help_text="For your order confirmation.", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    phone = forms.CharField(
        max_length=40,
        required=False,
        label="Phone (optional)",
        validators=[one_line],
        help_text="Only if the courier needs to reach you.",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    address = forms.CharField(
        max_length=250, validators=[one_line], widget=forms.TextInput(attrs={"autocomplete": "address-line1"})
    )
    postcode = forms.CharField(
        max_length=12,
        validators=[
            one_line,
            RegexValidator(
                r"^[A-Za-z0-9][A-Za-z0-9 -]{1,10}$", "Enter a postcode of letters, digits, spaces or dashes."
            ),
        ],
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    city = forms.CharField(
        max_length=100, validators=[one_line], widget=forms.TextInput(attrs={"autocomplete": "address-level2"})
    )
    country = forms.ChoiceField(
        choices=COUNTRY_CHOICES, initial="US", widget=forms.Select(attrs={"autocomplete": "country"})
    )
    notes = forms.CharField(
        max_length=1000, required=False, label="Notes (optional)", widget=forms.Textarea(attrs={"rows": 3})
    )
    # What the visitor saw: a token against double submits and the total they agreed to.
    token = forms.CharField(widget=forms.HiddenInput)
    expected_total = forms.DecimalField(max_digits=10, decimal_places=2, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False  # the template writes the form tag, the CSRF token and the button

    def customer(self) -> dict:
        fields = ["name", "email", "phone", "address", "postcode", "city", "country", "notes"]
        return {field: self.cleaned_data[field] for field in fields}
