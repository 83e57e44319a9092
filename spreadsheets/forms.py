from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .reading import MAX_ROWS, MAX_UPLOAD_BYTES, MiB, grouped, too_large_message


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (XLSX or CSV)"),
        error_messages={
            "required": gettext_lazy("Choose a file to upload."),
            "empty": gettext_lazy("The file is empty."),
        },
        widget=forms.FileInput(
            attrs={
                "accept": ".xlsx,.csv,text/csv,application/vnd.openxmlformats-"
                "officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def __init__(self, *args, too_large=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        # Made per form, not on the field: the numbers as the request's language writes them.
        self.fields["file"].help_text = _("At most %(megabytes)s MB and %(rows)s rows.") % {
            "megabytes": grouped(MAX_UPLOAD_BYTES // MiB),
            "rows": grouped(MAX_ROWS),
        }

    def clean(self):
        if self.too_large:
            # The file was dropped while it came in; say why rather than "no file".
            self.errors.pop("file", None)
            raise forms.ValidationError({"file": too_large_message()})
        return super().clean()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(too_large_message())
        return upload
