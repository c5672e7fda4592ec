from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe
from django_htmx.middleware import HtmxDetails

from cart import feedback, limits
from cart.cart import Cart, CartError, get_cart
from cart.forms import CouponForm, ProductForm, QuantityForm
from catalogue.models import Product
from core.crossorigin import cross_origin_protected


class HtmxHttpRequest(HttpRequest):
    """A request as django-htmx's middleware leaves it, for the type checker."""

    htmx: HtmxDetails


def cart_detail(request: HttpRequest, coupon_form: CouponForm | None = None, status: int = 200) -> HttpResponse:
    cart = get_cart(request)
    cart.reconcile()
    context = {"notices": cart.notices, "coupon_form": coupon_form or CouponForm()}
    return render(request, "cart/detail.html", context, status=status)


@require_safe
def mini_cart(request: HttpRequest) -> HttpResponse:
    """The mini cart's parts alone, for a tab or a restored page that must catch up."""
    return render(request, "cart/includes/updated.html", {"on_cart_page": False})


def _next(request: HttpRequest) -> str | None:
    """The page the visitor came from, when it is a path on this site (never a URL name or another site)."""
    target = request.POST.get("next", "")
    same_site = url_has_allowed_host_and_scheme(target, allowed_hosts=None, require_https=request.is_secure())
    return target if same_site and target.startswith("/") else None


def _back(request: HttpRequest, product: Product | None = None) -> str:
    """Where to send the visitor back to: the page they came from (at `product`'s form), else the cart."""
    target = _next(request)
    if target is None:
        return reverse("cart:detail")
    return f"{target}#product-{product.slug}" if product else target


def _done(request: HtmxHttpRequest, text: str, *, status: int = 200, at_form: Product | None = None) -> HttpResponse:
    """Answer an action: the updated fragments for a background request, else a message and a redirect back.

    For an add, the answer is shown at the add form of `at_form` (its product) as well: in the fragments,
    and, without JavaScript, by a message tagged for that form and a redirect to it.
    """
    if request.htmx:
        on_cart_page = request.htmx.current_url_abs_path == reverse("cart:detail")
        error = status >= 400
        context = {"status_text": text, "error": error, "on_cart_page": on_cart_page}
        if at_form is not None:
            context["feedback"] = {"product": at_form, "text": text if error else "Added", "error": error}
        return render(request, "cart/includes/updated.html", context, status=status)
    if status >= 400:
        return render(request, "cart/rejected.html", {"error": text, "back": _back(request, at_form)}, status=status)
    # Tagged for the form only when the visitor goes back to the page it is on.
    tag = feedback.tag(at_form.pk) if at_form is not None and _next(request) is not None else ""
    messages.success(request, text, extra_tags=tag)
    return HttpResponseRedirect(_back(request, at_form))


def _product_action(request: HtmxHttpRequest, form_class, action, *, is_add: bool = False) -> HttpResponse:
    form = form_class(request.POST)
    if not form.is_valid():
        return _done(request, form.first_error(), status=400)
    product = Product.objects.filter(pk=form.cleaned_data["product"]).first()
    if product is None:
        return _done(request, "That product is not in our shop.", status=404)
    at_form = product if is_add else None
    try:
        text = action(get_cart(request), product, form.cleaned_data)
    except CartError as error:
        return _done(request, str(error), status=400, at_form=at_form)
    return _done(request, text, at_form=at_form)


@cross_origin_protected
@require_POST
def add(request: HtmxHttpRequest) -> HttpResponse:
    def action(cart: Cart, product: Product, data: dict) -> str:
        cart.add(product, data["quantity"])
        return f"Added {data['quantity']} × {product.name} to your cart."

    return _product_action(request, QuantityForm, action, is_add=True)


@cross_origin_protected
@require_POST
def update(request: HtmxHttpRequest) -> HttpResponse:
    def action(cart: Cart, product: Product, data: dict) -> str:
        cart.set_quantity(product, data["quantity"])
        return f"{product.name}: quantity is now {data['quantity']}."

    return _product_action(request, QuantityForm, action)


@cross_origin_protected
@require_POST
def remove(request: HtmxHttpRequest) -> HttpResponse:
    def action(cart: Cart, product: Product, data: dict) -> str:
        cart.remove(product)
        return f"Removed {product.name} from your cart."

    return _product_action(request, ProductForm, action)


@cross_origin_protected
@require_POST
def clear(request: HtmxHttpRequest) -> HttpResponse:
    get_cart(request).clear()
    return _done(request, "Removed all items from your cart.")


@cross_origin_protected
@require_POST
def undo(request: HtmxHttpRequest) -> HttpResponse:
    try:
        problems = get_cart(request).undo_clear()
    except CartError as error:
        return _done(request, str(error), status=400)
    return _done(request, " ".join(["Your items are back in the cart.", *problems]))


@cross_origin_protected
@require_POST
def apply_coupon(request: HttpRequest) -> HttpResponse:
    """Apply a coupon code from the cart page; a code that cannot be used is explained beside the field.
    Tries are limited (cart/limits.py): past the limit, a 429 says when to try again."""
    form = CouponForm(request.POST)
    if form.is_valid():
        try:
            limits.count_coupon_try(request)
        except limits.TooManyCodes as refusal:
            form.add_error("code", str(refusal))
            response = cart_detail(request, coupon_form=form, status=429)
            response["Retry-After"] = str(refusal.retry_after)
            return response
        try:
            coupon = get_cart(request).apply_coupon(form.cleaned_data["code"])
        except CartError as error:
            form.add_error("code", str(error))
        else:
            messages.success(request, f"Coupon {coupon.code} applied.")
            return HttpResponseRedirect(reverse("cart:detail"))
    return cart_detail(request, coupon_form=form, status=400)


@cross_origin_protected
@require_POST
def remove_coupon(request: HttpRequest) -> HttpResponse:
    get_cart(request).remove_coupon()
    messages.success(request, "Coupon removed.")
    return HttpResponseRedirect(reverse("cart:detail"))
