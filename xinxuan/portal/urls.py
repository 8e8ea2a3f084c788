from django.urls import path

from xinxuan.portal import views
from xinxuan.portal.sitemaps import sitemap

app_name = "portal"
urlpatterns = [
    path("search/", views.search_view, name="search"),
    path("hit/<int:page_id>/", views.view_beacon, name="hit"),
    path("go/<str:token>/", views.sponsor_click, name="sponsor-click"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", sitemap, name="sitemap"),
]
