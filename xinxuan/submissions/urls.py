from django.urls import path, reverse

from xinxuan.submissions import views

app_name = "submissions"

urlpatterns = [
    path("desk/", views.desk, name="desk"),
    path("<int:pk>/", views.item_detail, name="item-detail"),
    path("<int:pk>/<slug:verb>/", views.item_act, name="item-act"),
]


def item_url(item) -> str:
    return reverse("submissions:item-detail", args=[item.pk])


def desk_url() -> str:
    return reverse("submissions:desk")
