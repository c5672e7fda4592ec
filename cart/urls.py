from django.urls import path

from cart import views

app_name = "cart"

urlpatterns = [
    path("", views.cart_detail, name="detail"),
    path("mini/", views.mini_cart, name="mini"),
    path("add/", views.add, name="add"),
    path("update/", views.update, name="update"),
    path("remove/", views.remove, name="remove"),
    path("clear/", views.clear, name="clear"),
    path("undo/", views.undo, name="undo"),
    path("coupon/", views.apply_coupon, name="coupon"),
    path("coupon/remove/", views.remove_coupon, name="remove-coupon"),
]
