from django.urls import path

from . import views

app_name = "oversight"

urlpatterns = [
    path("rounds/<int:round_id>/replay/", views.round_replay, name="replay"),
    path("health/", views.market_health, name="health"),
]
