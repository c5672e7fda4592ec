"""How many coupon codes one visitor may try in a while, applied or not: per browser session and per client
network (COUPON_TRIES_*), counted by core/ratelimits.py, so that codes cannot be found by trying
them all. A visitor without a session yet (a first request, or one that drops its cookies) is counted by
its network alone."""

from django.conf import settings
from django.http import HttpRequest

from core import ratelimits


class TooManyCodes(ratelimits.RateLimited):
    """This session or network has tried as many codes as a window allows."""

    def __init__(self, retry_after: int) -> None:
        wait = ratelimits.minutes(retry_after)
        super().__init__(retry_after, f"You have tried many codes in a short while. Please try again in {wait}.")


def count_coupon_try(request: HttpRequest) -> None:
    """Count one code typed on the cart page, or raise TooManyCodes."""
    limits = {"address": (ratelimits.client_network(request), settings.COUPON_TRIES_PER_ADDRESS)}
    if session_key := request.session.session_key:
        limits["session"] = (session_key, settings.COUPON_TRIES_PER_SESSION)
    ratelimits.take("coupon", limits, window=settings.COUPON_TRIES_WINDOW_SECONDS, refusal=TooManyCodes)
