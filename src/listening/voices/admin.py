from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from listening.dataio.admin import SpreadsheetMixin
from listening.voices.models import Voice
from listening.voices.resources import VoiceResource


@admin.register(Voice)
class VoiceAdmin(SpreadsheetMixin, TranslationAdmin[Voice]):
    resource_classes = [VoiceResource]
    list_display = ["__str__", "session", "speaker", "language", "kind", "status"]
    list_filter = [
        "status",
        "attribution_consent",
        "language",
        "kind",
        "axis",
        "speaker_kind",
        "session",
        "themes",
    ]
    search_fields = ["text", "speaker__name", "session__title"]
    list_select_related = ["session", "speaker"]
    autocomplete_fields = ["speaker", "city", "session"]
    filter_horizontal = ["themes"]
    readonly_fields = ["created_at", "updated_at", "published_at"]
