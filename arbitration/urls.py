from django.urls import path

from . import views

app_name = "disputes"
urlpatterns = [
    path("", views.dispute_list, name="list"),
    path("file/", views.dispute_file, name="file"),
    path("<int:pk>/", views.dispute_detail, name="detail"),
    path("<int:pk>/message/", views.message_post, name="message"),
    path("<int:pk>/evidence/", views.evidence_add, name="evidence"),
    path("<int:pk>/evidence/<int:evidence_id>/", views.evidence_download, name="evidence-file"),
    path("<int:pk>/respond/", views.response_submit, name="respond"),
    path("<int:pk>/withdraw/", views.dispute_withdraw, name="withdraw"),
    path("<int:pk>/appeal/", views.dispute_appeal, name="appeal"),
]
