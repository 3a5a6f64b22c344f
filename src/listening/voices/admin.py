from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from listening.voices.models import Voice


@admin.register(Voice)
class VoiceAdmin(TranslationAdmin[Voice]):
    list_display = ["__str__", "session", "speaker", "language", "kind", "status"]
    list_filter = ["status", "language", "kind", "axis", "speaker_kind", "session", "themes"]
    search_fields = ["text", "speaker__name", "session__title"]
    list_select_related = ["session", "speaker"]
    autocomplete_fields = ["speaker", "city", "session"]
    filter_horizontal = ["themes"]
    readonly_fields = ["created_at", "updated_at", "published_at"]
