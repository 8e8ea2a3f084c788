"""Wagtail's create and edit screens whose save goes through an action."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from xinxuan.accounts.views import forbidden
from xinxuan.lib.exceptions import ActionRefused


class ActionFormMixin:
    """An action's refusal comes back on the form, as the user filled it in (nothing was
    saved: the transaction rolled back); a ``PermissionDenied`` answers with the 403 page
    that says why (Wagtail would turn it into a bare redirect to the dashboard)."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ActionRefused as refused:
            form.add_error(None, refused.message)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)
        except PermissionDenied as denied:
            return forbidden(self.request, denied)
