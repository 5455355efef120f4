from django.urls import path

from . import views

app_name = "oversight"

urlpatterns = [
    path("rounds/<int:round_id>/replay/", views.round_replay, name="replay"),
]
