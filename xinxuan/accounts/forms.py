"""The workbench's sign-in form: Wagtail's, with its labels in the user's language."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm


class LoginForm(WagtailLoginForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Wagtail leaves the password without a label (the page then shows the English
        # field name) and writes "Enter your 用户名" with a space between the words
        self.fields["password"].label = _("Password")
        self.fields["username"].widget.attrs["placeholder"] = _("Enter your user name")
