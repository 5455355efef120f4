from django.urls import path

from . import views

app_name = "chain"

urlpatterns = [
    path("windows/", views.windows, name="windows"),
    path("revenue/", views.revenue_list, name="revenue"),
    path("revenue/new/", views.revenue_new, name="revenue_new"),
]
