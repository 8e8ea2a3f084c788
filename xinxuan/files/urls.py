from django.urls import path

from xinxuan.files import views

app_name = "files"
urlpatterns = [path("<path:name>", views.serve, name="serve")]
