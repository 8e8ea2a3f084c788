from django.urls import path, reverse

from xinxuan.submissions import views

app_name = "submissions"

urlpatterns = [
    path("desk/", views.desk, name="desk"),
    path("<int:pk>/", views.item_detail, name="item-detail"),
    path("<int:pk>/<slug:verb>/", views.item_act, name="item-act"),
    path("bureau/", views.bureau_options_home, name="bureau-options-home"),
    path("bureau/<int:pk>/", views.bureau_options, name="bureau-options"),
]


def item_url(item) -> str:
    return reverse("submissions:item-detail", args=[item.pk])


def desk_url() -> str:
    return reverse("submissions:desk")


def bureau_options_home_url() -> str:
    return reverse("submissions:bureau-options-home")
