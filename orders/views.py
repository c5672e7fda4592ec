from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.timesince import timesince
from django.views.decorators.http import require_http_methods, require_safe

from cart.cart import get_cart
from orders import limits, payment, session
from orders.addresses import UPDATE_BUTTON
from orders.forms import CheckoutForm
from orders.models import Order
from orders.placing import OrderNotPlaced, SummaryMismatch, place_order
from orders.session import TOKEN_KEY


@require_http_methods(["GET", "HEAD", "POST"])
def checkout(request: HttpRequest) -> HttpResponse:
    cart = get_cart(request)
    if request.method != "POST":
        if not cart.lines:
            messages.info(request, "Your cart is empty: add something before checking out.")
            return redirect("cart:detail")
        notices = [notice.text for notice in cart.reconcile()]
        form = CheckoutForm(initial={"token": session.token(request.session), "expected_total": cart.total})
        return _page(request, form, notices)
    if UPDATE_BUTTON in request.POST:
        # "Update the address fields" (or a change of country, with JavaScript): the chosen country's fields with
        # what was typed, as a form not yet sent, so that no field shows an error. Nothing is placed.
        typed = request.POST.dict() | {"token": session.token(request.session), "expected_total": cart.total}
        return _page(request, CheckoutForm(initial=typed), [])

    # A second submit of a placed order (double click, back and resubmit, another tab, or a retry after
    # the server died before answering) shows that order. The token is this session's secret, so an
    # order with the session's current token is this visitor's even if the session never heard of it.
    token = request.POST.get("token", "")
    already = Order.objects.filter(idempotency_key=token).first() if token else None
    if already and (already.pk in session.placed_orders(request.session) or token == request.session.get(TOKEN_KEY)):
        session.remember(request.session, already)
        return redirect(payment.next_step_url(already))

    form = CheckoutForm(request.POST)
    if already:
        # Placed from this page, but not by this session as it is now: a cookie from before the order gave the
        # session a new key (a late double click), or someone else's copy of the page. Show nothing of it.
        problems = ["This order has been placed already. Its confirmation is on its way by email."]
        return _page(request, form, problems, status=400)
    if cart.key is None or not cart.lines:
        return _page(request, form, ["Your cart is empty, so there is nothing to order."], status=400)
    if not form.is_valid():
        return _page(request, form, [], status=400)
    retry_after = None
    if form.cleaned_data["token"] != session.token(request.session):
        problems, status = ["This checkout page is out of date. Check your order and place it again."], 400
    else:
        try:
            with limits.order_slot(request, cart_key=cart.key, email=form.cleaned_data["email"]):
                order = place_order(
                    cart=cart,
                    customer=form.customer(),
                    idempotency_key=form.cleaned_data["token"],
                    expected_total=form.cleaned_data["expected_total"],
                )
        except limits.LimitReached as refusal:
            problems, status, retry_after = [str(refusal)], 429, refusal.retry_after
        except SummaryMismatch as refusal:
            problems, status = refusal.problems, 400
        except OrderNotPlaced as refusal:
            cart.reconcile()
            problems, status = ["We could not place your order:", *refusal.problems], 409
        else:
            session.remember(request.session, order)
            return redirect(payment.next_step_url(order))
    # Show the page again with what is true now; nothing the visitor typed is lost.
    data = request.POST.copy()
    data["expected_total"], data["token"] = str(cart.total), session.token(request.session)
    response = _page(request, CheckoutForm(data), problems, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def _page(request: HttpRequest, form: CheckoutForm, problems: list[str], status: int = 200) -> HttpResponse:
    context = {"form": form, "problems": problems, "payment_instructions": payment.instructions()}
    return render(request, "orders/checkout.html", context, status=status)


@require_safe
def confirmation(request: HttpRequest, number: str) -> HttpResponse:
    """The order as placed; only the browser session that placed it may see it, and its personal data for a while."""
    order = get_object_or_404(Order.objects.prefetch_related("lines"), number=number)
    if order.pk not in session.placed_orders(request.session):
        raise Http404("No such order in this browser.")
    now = timezone.now()
    context = {
        "order": order,
        "lines": list(order.lines.all()),
        "payment_instructions": payment.instructions(),
        "shows_personal_data": session.shows_personal_data(request.session, order),
        "personal_data_for": timesince(now - timedelta(seconds=settings.ORDER_DETAILS_SECONDS), now),
    }
    return render(request, "orders/confirmation.html", context)
