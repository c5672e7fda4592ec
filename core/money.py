"""Prices shown to people: one configured currency, formatted for the site's locale."""

from decimal import Decimal

from babel.numbers import format_currency
from django.conf import settings
from django.utils.translation import get_language, to_locale


def format_money(amount: Decimal) -> str:
    return format_currency(amount, settings.CURRENCY, locale=to_locale(get_language() or settings.LANGUAGE_CODE))
