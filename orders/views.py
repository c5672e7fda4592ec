from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.timesince import timesince
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from cart.cart import Cart, get_cart
from core.errors import RETRY_AFTER_SECONDS, database_busy
from orders import limits, links, payment, session, tasks
from orders.addresses import UPDATE_BUTTON
from orders.forms import CheckoutForm, PaymentChoiceForm, TrackOrderForm
from orders.models import Order, PaymentMethod
from orders.placing import OrderNotPlaced, SummaryMismatch, place_order
from orders.session import TOKEN_KEY

BUSY = (
    "The shop is very busy this moment and your order was not placed. Your cart and the details below are kept: "
    "please place the order again in a few seconds."
)


@require_http_methods(["GET", "HEAD", "POST"])
def checkout(request: HttpRequest) -> HttpResponse:
    """The checkout page; sent, it places the order or shows the page again saying why not, with what was typed."""
    cart = get_cart(request)
    methods = list(PaymentMethod.objects.enabled())
    if request.method != "POST":
        if not cart.lines:
            messages.info(request, "Your cart is empty: add something before checking out.")
            return redirect("cart:detail")
        notices = [notice.text for notice in cart.reconcile()]
        return _page(request, _fresh_forms(request, cart, methods, sent=False), notices)
    if UPDATE_BUTTON in request.POST:
        # "Update the address fields" (or a change of country, with JavaScript): the chosen country's fields with
        # what was typed, as a form not yet sent, so that no field shows an error. Nothing is placed.
        return _page(request, _fresh_forms(request, cart, methods, sent=False), [])
    token = request.POST.get("token", "")
    already = Order.objects.filter(idempotency_key=token).first() if token else None
    if already and _placed_by_this_visitor(request, already):
        session.remember(request.session, already)
        return redirect(payment.next_step_url(already))
    try:
        order = _place(request, cart, methods, placed_already=already is not None)
    except Refusal as refusal:
        forms = refusal.forms or _fresh_forms(request, cart, methods)
        response = _page(request, forms, refusal.problems, status=refusal.status)
        if refusal.retry_after:
            response["Retry-After"] = str(refusal.retry_after)
        return response
    session.remember(request.session, order)
    return redirect(payment.next_step_url(order))


Forms = tuple[CheckoutForm, PaymentChoiceForm]


class Refusal(Exception):
    """Why a sent checkout page placed no order: the problems to show, the status, and the forms to show
    them with (None: the page as sent, with the cart's total and the session's token as they are now)."""

    def __init__(self, problems: list[str], status: int, *, retry_after: int = 0, forms: Forms | None = None):
        super().__init__(" ".join(problems))
        self.problems, self.status, self.retry_after, self.forms = problems, status, retry_after, forms


def _placed_by_this_visitor(request: HttpRequest, order: Order) -> bool:
    """Whether a second submit of this page (double click, back and resubmit, another tab, a retry after the
    server died before answering) placed `order`. The token is this session's secret, so an order with the
    session's current token is this visitor's even if the session never heard of it."""
    return order.pk in session.placed_orders(request.session) or order.idempotency_key == request.session.get(TOKEN_KEY)


def _place(request: HttpRequest, cart: Cart, methods: list[PaymentMethod], *, placed_already: bool) -> Order:
    """Check the page as sent and place its order, or raise Refusal."""
    form, payment_form = forms = CheckoutForm(request.POST), PaymentChoiceForm(request.POST, methods=methods)
    if placed_already:
        # Placed from this page, but not by this session as it is now: a cookie from before the order gave the
        # session a new key (a late double click), or someone else's copy of the page. Show nothing of it.
        raise Refusal(
            ["This order has been placed already. Its confirmation is on its way by email."], 400, forms=forms
        )
    if cart.key is None or not cart.lines:
        raise Refusal(["Your cart is empty, so there is nothing to order."], 400, forms=forms)
    details_valid = form.is_valid()
    payment_form.country = form.cleaned_data.get("country")  # a method may be offered for some countries only
    if not (details_valid and payment_form.is_valid()):
        raise Refusal([], 400, forms=forms)
    if form.cleaned_data["token"] != session.token(request.session):
        raise Refusal(["This checkout page is out of date. Check your order and place it again."], 400)
    try:
        with limits.order_slot(request, cart_key=cart.key, email=form.cleaned_data["email"]):
            return place_order(
                cart=cart,
                customer=form.customer(),
                payment_method=payment_form.cleaned_data["payment_method"],
                idempotency_key=form.cleaned_data["token"],
                expected_total=form.cleaned_data["expected_total"],
                network=limits.client_network(request),
            )
    except limits.LimitReached as refusal:
        raise Refusal([str(refusal)], 429, retry_after=refusal.retry_after) from refusal
    except SummaryMismatch as refusal:
        raise Refusal(refusal.problems, 400) from refusal
    except OrderNotPlaced as refusal:
        cart.reconcile()
        raise Refusal(["We could not place your order:", *refusal.problems], 409) from refusal
    except OperationalError as error:
        if not database_busy(error):
            raise
        raise Refusal([BUSY], 503, retry_after=RETRY_AFTER_SECONDS) from error


def _fresh_forms(request: HttpRequest, cart: Cart, methods: list[PaymentMethod], *, sent: bool = True) -> Forms:
    """The forms with what was typed, the cart's total and the session's token as they are now: as sent, to
    show the page again after a refusal, or as initial values, for a page not yet sent."""
    token = session.token(request.session)
    if not sent:
        initial = (request.POST.dict() if request.method == "POST" else {}) | {
            "token": token,
            "expected_total": cart.total,
        }
        return CheckoutForm(initial=initial), PaymentChoiceForm(initial=initial, methods=methods)
    data = request.POST.copy()
    data["token"], data["expected_total"] = token, str(cart.total)
    return CheckoutForm(data), PaymentChoiceForm(data, methods=methods)


def _page(request: HttpRequest, forms: Forms, problems: list[str], status: int = 200) -> HttpResponse:
    form, payment_form = forms
    context = {"form": form, "payment_form": payment_form, "problems": problems}
    return render(request, "orders/checkout.html", context, status=status)


ORDER_PAGE_QUERYSET = Order.objects.select_related("payment_method").prefetch_related("lines", "events")


@require_safe
def confirmation(request: HttpRequest, number: str) -> HttpResponse:
    """The order as placed; only the browser session that placed it may see it, and its personal data for a while."""
    order = get_object_or_404(ORDER_PAGE_QUERYSET, number=number)
    if order.pk not in session.placed_orders(request.session):
        raise Http404("No such order in this browser.")
    now = timezone.now()
    context = {
        "placed_here": True,
        "shows_personal_data": session.shows_personal_data(request.session, order),
        "personal_data_for": timesince(now - timedelta(seconds=settings.ORDER_DETAILS_SECONDS), now),
    }
    return _order_page(request, order, context)


@require_safe
@never_cache  # the link is the key to the page: no shared cache may keep it
def order_link(request: HttpRequest, token: str) -> HttpResponse:
    """The order's page from the signed link in its emails, in any browser, until the link expires."""
    try:
        number = links.number_for(token)
    except links.LinkExpired:
        return render(request, "orders/link_refused.html", {"expired": True}, status=410)
    except links.LinkInvalid:
        return render(request, "orders/link_refused.html", {"expired": False}, status=404)
    order = get_object_or_404(ORDER_PAGE_QUERYSET, number=number)
    return _order_page(request, order, {"placed_here": False, "shows_personal_data": True})


def _order_page(request: HttpRequest, order: Order, context: dict) -> HttpResponse:
    context |= {
        "order": order,
        "lines": list(order.lines.all()),
        "events": list(order.events.all()),
        "payment": payment.instructions(order),
    }
    return render(request, "orders/confirmation.html", context)


TRACK_ANSWER = (
    "If an order with that number was placed with that email address, we have emailed it a link to the order's "
    "page. It should arrive in a few minutes; check your spam folder too."
)


@require_http_methods(["GET", "HEAD", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """Email the link to an order again to the address it was placed with; the answer never says whether
    the number and address match an order."""
    if request.method != "POST":
        return render(request, "orders/track.html", {"form": TrackOrderForm(), "problems": []})
    form = TrackOrderForm(request.POST)
    if not form.is_valid():
        return render(request, "orders/track.html", {"form": form, "problems": []}, status=400)
    try:
        limits.count_tracking_request(request, email=form.cleaned_data["email"])
    except limits.LimitReached as refusal:
        response = render(request, "orders/track.html", {"form": form, "problems": [str(refusal)]}, status=429)
        response["Retry-After"] = str(refusal.retry_after)
        return response
    number, email = form.cleaned_data["number"], form.cleaned_data["email"]
    if order := Order.objects.filter(number=number, email__iexact=email).first():
        tasks.send_order_link.enqueue(order.pk)
    messages.success(request, TRACK_ANSWER)
    return redirect("orders:track")
