from django.contrib import admin

from .models import Note, SuppressedAddress

admin.site.register(Note)


@admin.register(SuppressedAddress)
class SuppressedAddressAdmin(admin.ModelAdmin):
    """Remove an entry to mail that address again (once the reason is fixed)."""

    list_display = ("email", "reason", "detail", "created_at")
    search_fields = ("email",)
