from django.urls import path

from xinxuan.scoring import views

app_name = "scoring"

urlpatterns = [
    path("", views.ruleset_list, name="ruleset-list"),
    path("new/", views.ruleset_edit, name="ruleset-add"),
    path("<int:pk>/", views.ruleset_edit, name="ruleset-edit"),
    path("<int:pk>/activate/", views.ruleset_activate, name="ruleset-activate"),
    path("<int:pk>/document/", views.ruleset_document, name="ruleset-document"),
    path("<int:pk>/retire/", views.ruleset_retire, name="ruleset-retire"),
    path("<int:pk>/units/", views.ruleset_units, name="ruleset-units"),
    path("<int:pk>/standings/", views.standings, name="standings"),
    path("<int:pk>/standings/lines/", views.standings_lines, name="standings-lines"),
    path("<int:pk>/whatif/", views.whatif, name="whatif"),
    path("<int:pk>/standings/<slug:kind>/", views.unit_outcome_add, name="unit-outcome-add"),
]
