from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms

from orders.addresses import AddressForm
from orders.validators import one_line


class CheckoutForm(AddressForm):
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
        self.helper.layout = Layout("name", "email", "phone", self.address_layout(), "notes")
        self.helper.render_unmentioned_fields = True  # the hidden fields, and any field added later

    def customer(self) -> dict:
        fields = ["name", "email", "phone", "notes"]
        return {field: self.cleaned_data[field] for field in fields} | self.address_fields()
