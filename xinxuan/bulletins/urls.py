from django.urls import path

from xinxuan.bulletins import views

app_name = "bulletins"

urlpatterns = [
    path("", views.index, name="bulletin-list"),
    path("new/", views.issue, name="bulletin-add"),
    path("<int:pk>/<slug:fmt>/", views.download, name="bulletin-download"),
]
