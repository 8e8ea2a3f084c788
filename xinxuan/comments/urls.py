from django.urls import path

from xinxuan.comments import views

app_name = "comments"
urlpatterns = [
    path("comments/<int:page_id>/", views.comment_list, name="comment-list"),
    path("comments/<int:page_id>/post/", views.comment_create, name="comment-create"),
    path("comments/c/<int:pk>/edit/", views.comment_edit, name="comment-edit"),
    path("comments/c/<int:pk>/delete/", views.comment_delete, name="comment-delete"),
    path("comments/c/<int:pk>/report/", views.comment_report, name="comment-report"),
    path("readers/login/", views.reader_login, name="reader-login"),
    path("readers/logout/", views.reader_logout, name="reader-logout"),
    path("readers/register/", views.reader_register, name="reader-register"),
]
