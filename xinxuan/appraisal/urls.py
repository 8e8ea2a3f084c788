from django.urls import path

from xinxuan.appraisal import views

app_name = "appraisal"

urlpatterns = [
    path("", views.index, name="appraisal-list"),
    path("figures/", views.figures, name="figures"),
    path("<int:pk>/", views.detail, name="appraisal-detail"),
    path("<int:pk>/propose/", views.propose, name="appraisal-propose"),
    path("<int:pk>/confirm/", views.confirm, name="appraisal-confirm"),
    path("<int:pk>/certificates/", views.certificates, name="appraisal-certificates"),
    path("<int:pk>/plaque/", views.plaque, name="plaque-award"),
    path("<int:pk>/eliminate/<int:membership>/", views.eliminate, name="member-eliminate"),
    path("awards/<int:pk>/", views.adjust, name="award-adjust"),
]
