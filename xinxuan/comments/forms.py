"""Reader forms: the comment box (with sign-in fields for a reader not yet signed in),
registration, edit and report.  The checks of business rules are in actions.py."""

from __future__ import annotations

from captcha.fields import CaptchaField
from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from xinxuan.comments.actions import max_length
from xinxuan.comments.models import ReportReason


class CaptchaMixin(forms.Form):
    captcha = CaptchaField(
        label=_("Captcha"),
        error_messages={"invalid": _("The answer to the captcha is wrong or has expired.")},
    )


class SignInFields(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), max_length=128, widget=forms.PasswordInput)


class ReaderLoginForm(SignInFields, CaptchaMixin):
    pass


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write your comment first.")},
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The browser stops at the limit; actions.clean_body says so if it is passed anyway.
        self.fields["body"].widget.attrs["maxlength"] = max_length()


class AnonymousCommentForm(CommentForm, SignInFields, CaptchaMixin):
    """The seed's comment box: the comment, user name, password and captcha at once."""

    field_order = ["body", "username", "password", "captcha", "parent"]


class RegistrationForm(CaptchaMixin):
    username = forms.CharField(
        label=_("User name"),
        min_length=3,
        max_length=30,
        validators=[UnicodeUsernameValidator()],
        help_text=_("3 to 30 letters, digits or Chinese characters; also @ . + - _"),
    )
    display_name = forms.CharField(
        label=_("Name shown with your comments"), max_length=30, required=False
    )
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=128)
    password2 = forms.CharField(
        label=_("Password again"), widget=forms.PasswordInput, max_length=128
    )

    field_order = ["username", "display_name", "password1", "password2", "captcha"]

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            probe = get_user_model()(
                username=cleaned.get("username", ""), display_name=cleaned.get("display_name", "")
            )
            try:
                password_validation.validate_password(first, probe)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class EditForm(forms.Form):
    body = forms.CharField(label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 4}))


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why do you report it?"), choices=ReportReason.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
