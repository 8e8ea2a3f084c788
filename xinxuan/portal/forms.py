from django import forms
from django.utils.translation import gettext_lazy as _

from xinxuan.portal.actions import channel_choices


class PublishItemForm(forms.Form):
    """Where on the portal an approved press item goes (发布到门户网站)."""

    channel = forms.ModelChoiceField(label=_("Channel"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = channel_choices()
