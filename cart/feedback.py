"""What an add without JavaScript tells the shopper at the form they used, not in the page's message list.

The add view tags its message with the product; the page puts a tagged message beside that product's
add form (templates/cart/includes/add_form.html) and leaves it out of the list under the header.
"""

from collections.abc import Iterable

from django.contrib.messages.storage.base import Message

PREFIX = "add-form-"


def tag(product_id: int) -> str:
    return f"{PREFIX}{product_id}"


def for_product(messages: Iterable[Message], product_id: int) -> Message | None:
    return next((message for message in messages if message.extra_tags == tag(product_id)), None)


def any_for_a_product(messages: Iterable[Message]) -> bool:
    return any(message.extra_tags.startswith(PREFIX) for message in messages)


def for_the_page(messages: Iterable[Message]) -> list[Message]:
    """The messages that are about no product's add form."""
    return [message for message in messages if not message.extra_tags.startswith(PREFIX)]
