from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _

from agencies.admin import PortalModelAdmin

from .models import SavedView


class SavedViewAdminForm(forms.ModelForm):
    class Meta:
        model = SavedView
        fields = ["name", "shared"]

    def clean_name(self):
        # The database refuses a second name per owner; the owner is not a field of this
        # form, so Django's own check of that constraint would be skipped.
        name = self.cleaned_data["name"]
        same = SavedView.objects.filter(owner_id=self.instance.owner_id, name__iexact=name)
        if same.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This owner already has a view of that name."))
        return name


@admin.register(SavedView)
class SavedViewAdmin(PortalModelAdmin):
    form = SavedViewAdminForm
    list_display = ["name", "owner", "list_name", "shared", "updated_at"]
    list_filter = ["shared", "list_name"]
    list_select_related = ["owner"]
    search_fields = ["name", "owner__username", "owner__email"]
    # The list and its filters come from the list page, checked by its filter set there;
    # the admin may rename, share, unshare or delete, not point a view elsewhere.
    readonly_fields = ["owner", "list_name", "query", "created_at", "updated_at"]

    def has_add_permission(self, request):
        return False
