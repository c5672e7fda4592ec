from django.urls import path

from orders import views

app_name = "orders"

urlpatterns = [
    path("checkout/", views.checkout, name="checkout"),
    path("orders/track/", views.track, name="track"),
    path("orders/link/<str:token>/", views.order_link, name="link"),
    path("orders/<str:number>/", views.confirmation, name="confirmation"),
]
