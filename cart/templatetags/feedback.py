"""Filters over the request's messages (`messages` in a template): a product's add-form feedback apart
from the rest (cart/feedback.py)."""

from django import template
from django.contrib.messages.storage.base import Message

from cart import feedback
from catalogue.models import Product

register = template.Library()


@register.filter
def feedback_for(messages, product: Product) -> Message | None:
    return feedback.for_product(messages or [], product.pk)


@register.filter
def has_add_feedback(messages) -> bool:
    return feedback.any_for_a_product(messages or [])


@register.filter
def page_messages(messages) -> list[Message]:
    return feedback.for_the_page(messages or [])
