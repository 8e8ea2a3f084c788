from django.urls import include, path
from wagtail import hooks

from xinxuan.jobs import urls


@hooks.register("register_admin_urls")
def register_job_urls():
    return [path("jobs/", include((urls.urlpatterns, "jobs"), namespace="jobs"))]
