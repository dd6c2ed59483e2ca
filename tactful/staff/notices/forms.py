"""The form of a new notice version: a title and a text in each language."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tactful.consent.services.notices import MAX_TEXT, MAX_TITLE

LANGUAGE_NAMES = {
    "zh-hans": _("Simplified Chinese"),
    "zh-hant": _("Traditional Chinese"),
    "en": _("English"),
}


class NoticeForm(forms.Form):
    """Fields `title_<language>` and `text_<language>` for zh-hans, zh-hant and en."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for language, name in LANGUAGE_NAMES.items():
            self.fields[f"title_{language}"] = forms.CharField(
                label=_("Title (%(language)s)") % {"language": name}, max_length=MAX_TITLE
            )
            self.fields[f"text_{language}"] = forms.CharField(
                label=_("Text (%(language)s)") % {"language": name},
                max_length=MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 6}),
            )

    def texts(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {
            language: (data[f"title_{language}"], data[f"text_{language}"])
            for language in LANGUAGE_NAMES
        }
