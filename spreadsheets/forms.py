from django import forms

from .reading import MAX_ROWS, MAX_UPLOAD_BYTES, MiB, too_large_message


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Spreadsheet (XLSX or CSV)",
        help_text=f"At most {MAX_UPLOAD_BYTES // MiB} MB and {MAX_ROWS:,} rows.",
        error_messages={"required": "Choose a file to upload.", "empty": "The file is empty."},
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
