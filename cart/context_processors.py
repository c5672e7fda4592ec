from cart.cart import get_cart


def cart(request):
    # Lazy: a page that never shows the cart, or a visitor without one, costs no query.
    return {"cart": get_cart(request)}
