from decimal import Decimal

from django import template

from core.money import format_money

register = template.Library()


@register.filter
def money(amount: Decimal | None) -> str:
    return "" if amount is None else format_money(amount)
