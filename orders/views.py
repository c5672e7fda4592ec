import secrets

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from cart.cart import get_cart
from orders import payment
from orders.forms import CheckoutForm
from orders.models import Order
from orders.placing import OrderNotPlaced, SummaryMismatch, place_order

TOKEN_KEY = "checkout_token"
ORDERS_KEY = "orders"


def _token(request: HttpRequest) -> str:
    token = request.session.get(TOKEN_KEY)
    if not isinstance(token, str) or len(token) != 32:
        token = request.session[TOKEN_KEY] = secrets.token_urlsafe(24)
    return token


@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest) -> HttpResponse:
    cart = get_cart(request)
    if request.method == "GET":
        if not cart.lines:
            messages.info(request, "Your cart is empty: add something before checking out.")
            return redirect("cart:detail")
        notices = [notice.text for notice in cart.reconcile()]
        form = CheckoutForm(initial={"token": _token(request), "expected_total": cart.total})
        return _page(request, form, notices)

    # A second submit of a placed order (double click, back and resubmit, another tab, or a retry after
    # the server died before answering) shows that order. The token is this session's secret, so an
    # order with the session's current token is this visitor's even if the session never heard of it.
    placed = _placed_orders(request)
    token = request.POST.get("token", "")
    already = Order.objects.filter(idempotency_key=token).first() if token else None
    if already and (already.pk in placed or token == request.session.get(TOKEN_KEY)):
        _remember(request, already, placed)
        return redirect(payment.next_step_url(already))

    form = CheckoutForm(request.POST)
    if not cart.lines:
        return _page(request, form, ["Your cart is empty, so there is nothing to order."], status=400)
    if not form.is_valid():
        return _page(request, form, [], status=400)
    if form.cleaned_data["token"] != _token(request):
        problems, status = ["This checkout page is out of date. Check your order and place it again."], 400
    else:
        try:
            order = place_order(
                cart=cart,
                customer=form.customer(),
                idempotency_key=form.cleaned_data["token"],
                expected_total=form.cleaned_data["expected_total"],
            )
        except SummaryMismatch as refusal:
            problems, status = refusal.problems, 400
        except OrderNotPlaced as refusal:
            cart.reconcile()
            problems, status = ["We could not place your order:", *refusal.problems], 409
        else:
            _remember(request, order, placed)
            return redirect(payment.next_step_url(order))
    # Show the page again with what is true now; nothing the visitor typed is lost.
    data = request.POST.copy()
    data["expected_total"], data["token"] = str(cart.total), _token(request)
    return _page(request, CheckoutForm(data), problems, status=status)


def _remember(request: HttpRequest, order: Order, placed: list[int]) -> None:
    """This browser placed `order`: it may see it, and its next checkout gets a new token."""
    if order.pk not in placed:
        request.session[ORDERS_KEY] = [*placed, order.pk][-20:]
    request.session.pop(TOKEN_KEY, None)


def _placed_orders(request: HttpRequest) -> list[int]:
    """The orders this browser session placed (the last 20)."""
    stored = request.session.get(ORDERS_KEY)
    return [pk for pk in stored if type(pk) is int] if isinstance(stored, list) else []


def _page(request: HttpRequest, form: CheckoutForm, problems: list[str], status: int = 200) -> HttpResponse:
    context = {"form": form, "problems": problems, "payment_instructions": payment.instructions()}
    return render(request, "orders/checkout.html", context, status=status)


@require_GET
def confirmation(request: HttpRequest, number: str) -> HttpResponse:
    """The order as placed; only the browser session that placed it may see it."""
    order = get_object_or_404(Order.objects.prefetch_related("lines"), number=number)
    if order.pk not in _placed_orders(request):
        raise Http404("No such order in this browser.")
    context = {"order": order, "lines": list(order.lines.all()), "payment_instructions": payment.instructions()}
    return render(request, "orders/confirmation.html", context)
