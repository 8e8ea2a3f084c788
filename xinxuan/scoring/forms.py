from django import forms
from django.utils.translation import gettext_lazy as _


class RuleSetForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Issuing unit"), queryset=None)
    text = forms.CharField(
        label=_("Rule set (TOML)"),
        widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false", "class": "ruleset-text"}),
        required=False,
    )
    upload = forms.FileField(label=_("or upload a .toml file"), required=False)
    note = forms.CharField(label=_("What changed"), required=False, max_length=200)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean(self):
        data = super().clean()
        upload = data.get("upload")
        if upload:
            try:
                data["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(_("The file is not UTF-8 text.")) from None
        if not data.get("text", "").strip():
            raise forms.ValidationError(_("Paste the rule set or upload its file."))
        return data
