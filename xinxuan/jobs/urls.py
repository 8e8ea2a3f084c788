from django.urls import path

from xinxuan.jobs import views

app_name = "jobs"

urlpatterns = [
    path("<int:pk>/", views.job_detail, name="job-detail"),
    path("<int:pk>/progress/", views.job_progress, name="job-progress"),
    path("<int:pk>/download/", views.job_download, name="job-download"),
]
