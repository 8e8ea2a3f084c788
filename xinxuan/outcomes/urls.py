from django.urls import path

from xinxuan.outcomes import views
from xinxuan.outcomes.reports import LedgerView

app_name = "outcomes"

urlpatterns = [
    path("", LedgerView.as_view(), name="ledger"),
    path("results/", LedgerView.as_view(results_only=True), name="ledger-results"),
    path("item/<int:pk>/<slug:kind>/", views.record, name="outcome-record"),
    path("<int:pk>/revoke/", views.revoke, name="outcome-revoke"),
    path("<int:pk>/evidence/", views.evidence, name="outcome-evidence"),
    path("import/", views.import_upload, name="ledger-import"),
]
