"""Delivery addresses the country's way: the fields it asks for, its postcodes, the update button, how it prints."""

import pytest
from django import forms
from django.core import mail
from django.test.signals import template_rendered
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from cart.cart import Cart
from orders import tasks
from orders.addresses import COUNTRY_CHOICES, AddressForm, rendered_list
from orders.models import Order
from tests.columns import values_longer_than_their_columns
from tests.factories import CUSTOMER
from tests.forms import parse_page
from tests.html import find_all, parse, text

pytestmark = pytest.mark.django_db

US = CUSTOMER | {"address_line2": "Apt 2", "city": "Springfield", "region": "IL", "postcode": "62704", "country": "US"}
US_LINES = ["Sam Placeholder", "1 Demo Street", "Apt 2", "SPRINGFIELD, IL 62704", "UNITED STATES"]
UPDATE = {"update_address": "1"}


def labels(response) -> list[str]:
    """The address fields' labels, in the order the page shows them."""
    fieldset = find_all(parse(response.content), "fieldset", **{"class": "address-fieldset"})[0]
    return [text(label).removesuffix("*").strip() for label in find_all(fieldset, "label")]


def error(response, field: str) -> str:
    """The message shown under `field`, or "" when there is none."""
    found = find_all(parse(response.content), "span", id=f"error_1_id_{field}")
    return text(found[0]) if found else ""


def sent_values(response) -> dict[str, list[str]]:
    """What the checkout form on the page would send as it is."""
    return next(form for form in parse_page(response.content.decode()).forms if form.action == "/checkout/").data()


def test_the_us_form_asks_for_a_state_from_a_list_and_a_zip_code(filled_cart):
    page = filled_cart.get("/checkout/")
    assert labels(page) == ["Country", "Address line 1", "Address line 2 (optional)", "City", "State", "ZIP code"]
    state = find_all(parse(page.content), "select", id="id_region")[0]
    options = [(dict(option.attributes)["value"] or "", text(option)) for option in find_all(state, "option")]
    assert options[:3] == [("", "Choose a state"), ("AL", "Alabama"), ("AK", "Alaska")]
    assert ("IL", "Illinois") in options
    assertContains(page, "For example 95014 or 22162-1010.")


def test_a_us_order_needs_a_state(filled_cart, checkout_form):
    response = filled_cart.post("/checkout/", checkout_form(**US | {"region": ""}))
    assert response.status_code == 400
    assert error(response, "region") == "This field is required."
    assert sent_values(response)["postcode"] == ["62704"]
    assert not Order.objects.exists()
    assert Cart(filled_cart.session).count == 4


def test_a_us_order_with_a_state_and_a_zip_code_is_placed_with_them(filled_cart, checkout_form):
    response = filled_cart.post("/checkout/", checkout_form(**US | {"region": "NY", "postcode": "12345"}))
    order = Order.objects.get()
    assertRedirects(response, f"/orders/{order.number}/", fetch_redirect_response=False)
    assert (order.address, order.address_line2, order.city) == ("1 Demo Street", "Apt 2", "SPRINGFIELD")
    assert (order.region, order.postcode, order.country) == ("NY", "12345", "US")


def test_a_zip_code_of_letters_is_refused_with_the_countrys_examples(filled_cart, checkout_form):
    response = filled_cart.post("/checkout/", checkout_form(**US | {"postcode": "ABCDE"}))
    assert response.status_code == 400
    assert error(response, "postcode") == "Enter a valid ZIP code, for example 95014 or 22162-1010."
    assert sent_values(response)["postcode"] == ["ABCDE"]
    assert sent_values(response)["region"] == ["IL"]
    assert not Order.objects.exists()


def test_a_zip_code_of_another_state_is_refused_naming_the_state(filled_cart, checkout_form):
    response = filled_cart.post("/checkout/", checkout_form(**US | {"postcode": "12345"}))  # a New York one
    assert error(response, "postcode") == "This ZIP code is not in Illinois: there they look like 60000 or 62999."
    assert not Order.objects.exists()


def test_a_missing_state_and_a_bad_zip_code_are_both_told(filled_cart, checkout_form):
    response = filled_cart.post("/checkout/", checkout_form(**US | {"region": "", "postcode": "ABCDE"}))
    assert error(response, "region") == "This field is required."
    assert error(response, "postcode") == "Enter a valid ZIP code, for example 95014 or 22162-1010."


def test_a_state_not_on_the_list_is_refused(filled_cart, checkout_form):
    response = filled_cart.post("/checkout/", checkout_form(**US | {"region": "Illinois State"}))
    assert error(response, "region").startswith("Select a valid choice.")
    assert not Order.objects.exists()


def test_a_city_the_library_lists_for_the_region_must_be_one_of_them(filled_cart, checkout_form):
    brazil = {"country": "BR", "region": "SP", "postcode": "01310-100"}
    refused = filled_cart.post("/checkout/", checkout_form(**brazil, city="Sao Paulo"))
    assert error(refused, "city") == "We do not know this city in São Paulo: check its spelling and accents."
    assert filled_cart.post("/checkout/", checkout_form(**brazil, city="São Paulo")).status_code == 302


def test_the_gb_form_asks_for_a_postcode_and_no_state(filled_cart, checkout_form):
    page = filled_cart.post("/checkout/", checkout_form(**UPDATE))
    assert labels(page) == ["Country", "Address line 1", "Address line 2 (optional)", "Town or city", "Postcode"]


def test_a_gb_postcode_is_checked_and_kept_in_capitals(filled_cart, checkout_form):
    refused = filled_cart.post("/checkout/", checkout_form(postcode="12345"))
    assert error(refused, "postcode") == "Enter a valid postcode, for example EC1Y 8SY or GIR 0AA."
    assert not Order.objects.exists()

    placed = filled_cart.post("/checkout/", checkout_form(postcode="ec1y 8sy", region="IL"))  # a state: ignored
    assert placed.status_code == 302
    order = Order.objects.get()
    assert (order.postcode, order.region, order.city) == ("EC1Y 8SY", "", "DEMO CITY")


@pytest.mark.parametrize(
    ("country", "field", "other"),
    [
        ("GB", "city", {}),
        ("US", "city", {"region": "IL", "postcode": "62704"}),
        ("IQ", "region", {"postcode": ""}),  # a region typed in, not chosen from a list
    ],
)
def test_a_value_too_long_once_in_capitals_is_refused_with_a_message(filled_cart, checkout_form, country, field, other):
    grows = "ß" * 51  # 51 characters as typed, within the 100 allowed; 102 as the post writes it ("SS")
    response = filled_cart.post("/checkout/", checkout_form(country=country, **other, **{field: grows}))
    assert response.status_code == 400
    assert error(response, field) == (
        "This is too long once written in capitals, as the post writes it: 102 characters, at most 100. "
        "Please shorten it."
    )
    assert not Order.objects.exists()
    assert values_longer_than_their_columns() == []


def test_a_value_that_fits_once_in_capitals_is_stored_in_capitals(filled_cart, checkout_form):
    response = filled_cart.post("/checkout/", checkout_form(city="ß" * 50))
    assert response.status_code == 302
    assert Order.objects.get().city == "SS" * 50


@pytest.mark.parametrize(
    ("country", "expected"),
    [
        ("AE", ["Country", "Address line 1", "Address line 2 (optional)", "Emirate"]),
        ("HK", ["Country", "Area", "District (optional)", "Address line 1", "Address line 2 (optional)"]),
    ],
)
def test_a_country_without_postcodes_does_not_ask_for_one(filled_cart, checkout_form, country, expected):
    page = filled_cart.post("/checkout/", checkout_form(country=country, **UPDATE))
    assert labels(page) == expected
    assert "postcode" not in sent_values(page)


def test_an_order_to_a_country_without_postcodes_is_placed_without_one(filled_cart, checkout_form):
    dubai = "إمارة دبيّ"  # the library's key for the emirate, shown as "Dubai / دبي"
    address = {"country": "AE", "region": dubai, "postcode": "12345", "city": "Dubai"}  # AE has no use for the last two
    response = filled_cart.post("/checkout/", checkout_form(**address))
    assert response.status_code == 302
    order = Order.objects.get()
    assert (order.region, order.postcode, order.city) == (dubai, "", "")
    assert order.formatted_address == f"Sam Placeholder\n1 Demo Street\n{dubai}\nUNITED ARAB EMIRATES"


def test_the_fields_follow_the_countrys_order():
    assert AddressForm(initial={"country": "JP"}).fields_in_order() == [
        "postcode",
        "region",
        "address",
        "address_line2",
    ]


def test_the_lists_of_countries_and_regions_are_rendered_once_for_a_choice_and_then_kept():
    rendered_list.cache_clear()
    rendered = []
    template_rendered.connect(receiver := lambda sender, **kwargs: rendered.append(sender.name))
    try:
        first = str(AddressForm(initial={"country": "GB"})["country"])
        again = str(AddressForm(initial={"country": "GB"})["country"])
        states = [str(AddressForm(initial={"country": "US"})["region"]) for _ in range(2)]
        sent = AddressForm({"country": "XX"})
        junk = str(sent["country"])
    finally:
        template_rendered.disconnect(receiver)
    # GB's countries and the US states once each, then what a client sent.
    assert rendered.count("django/forms/widgets/select.html") == 3
    assert states[0] == states[1] and '<option value="" selected>Choose a state</option>' in states[0]
    assert (
        again
        == first
        == forms.Select(choices=COUNTRY_CHOICES).render(
            "country", "GB", {"autocomplete": "country", "aria-describedby": "id_country_helptext", "id": "id_country"}
        )
    )
    assert '<option value="GB" selected>United Kingdom</option>' in first
    assert "selected" not in junk and 'aria-invalid="true"' in junk


def test_changing_the_country_without_javascript_shows_its_fields_keeps_the_typing_and_places_nothing(
    filled_cart, checkout_form
):
    typed = checkout_form(country="US", region="", postcode="", city="Demo City", notes="Ring twice.", **UPDATE)
    page = filled_cart.post("/checkout/", typed)
    assert page.status_code == 200
    assert "State" in labels(page)
    assertNotContains(page, "This field is required.")
    assertNotContains(page, "invalid-feedback")
    values = sent_values(page)
    assert values["name"] == ["Sam Placeholder"]
    assert values["address"] == ["1 Demo Street"]
    assert values["city"] == ["Demo City"]
    assert values["notes"] == ["Ring twice."]
    assert values["country"] == ["US"]
    assert not Order.objects.exists()
    assert Cart(filled_cart.session).count == 4

    # The page it gives back places the order once the new fields are filled.
    response = filled_cart.post("/checkout/", values | {"region": "IL", "postcode": "62704"})
    assert response.status_code == 302
    assert Order.objects.get().region == "IL"


@pytest.mark.thorough  # 36 checkouts: a fuzz of its own
def test_junk_sent_with_the_update_button_gets_the_form_again(filled_cart, checkout_form):
    data = checkout_form(**UPDATE)
    for field in ["country", "region", "postcode", "city", "token", "expected_total"]:
        for value in ["", "XX", "x" * 100_000, "<script>", "\u202e\u200f\x1b", "../../etc/passwd"]:
            response = filled_cart.post("/checkout/", data | {field: value})
            assert response.status_code == 200, (field, value)
            assert "Country" in labels(response)
    assert not Order.objects.exists()
    assert Cart(filled_cart.session).count == 4


def test_the_confirmation_page_shows_the_address_the_countrys_way(filled_cart, checkout_form):
    filled_cart.post("/checkout/", checkout_form(**US))
    page = filled_cart.get(f"/orders/{Order.objects.get().number}/")
    assertContains(page, f"<address>{'<br>'.join(US_LINES)}</address>", html=True)


def test_the_confirmation_page_escapes_the_address(filled_cart, checkout_form):
    filled_cart.post("/checkout/", checkout_form(**US | {"address_line2": "<b>Apt</b> 2"}))
    page = filled_cart.get(f"/orders/{Order.objects.get().number}/")
    assertContains(page, "&lt;b&gt;Apt&lt;/b&gt; 2<br>")


def test_both_emails_show_the_address_the_countrys_way(filled_cart, checkout_form):
    filled_cart.post("/checkout/", checkout_form(**US))
    order = Order.objects.get()
    tasks.send_confirmation.call(order.pk)
    tasks.send_shop_notice.call(order.pk)
    customer, shop = mail.outbox
    assert "\n\nDelivery to:\n" + "\n".join(US_LINES) + "\n\n" in customer.body
    assert "\n\nShip to:\n" + "\n".join(US_LINES) + "\n\n" in shop.body


def test_the_admin_order_page_shows_the_address_the_countrys_way(filled_cart, checkout_form, login_as):
    filled_cart.post("/checkout/", checkout_form(**US))
    page = login_as("Shop managers").get(f"/admin/orders/order/{Order.objects.get().pk}/change/")
    assertContains(page, "<br>".join(US_LINES))
    assertContains(page, "Address line 2:")


def test_an_order_to_a_country_the_rules_do_not_know_is_printed_plainly():
    order = Order(name="Sam", address="1 Calle", postcode="51001", city="Ceuta", country="EA")  # chosen before
    assert order.formatted_address == "Sam\n1 Calle\n51001 Ceuta\nCeuta & Melilla"
