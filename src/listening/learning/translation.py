"""Course content per language (django-modeltranslation): title_en, title_fr, title_es ...;
reading ``lesson.title`` gives the reader's language, else English, else whichever language
was written (``MODELTRANSLATION_FALLBACK_LANGUAGES``).

Quiz answers do not depend on the language: choices are graded by option id, and a short
answer or a matching answer is accepted in any of the languages its author gave
(``Answer.text_variants``, ``Answer.match_variants``)."""

from modeltranslation.translator import TranslationOptions, register

from listening.learning.models import Answer, Block, Course, Lesson, Module, Question


@register(Course)
class CourseTranslation(TranslationOptions):
    fields = ("title", "description")


@register(Module)
class ModuleTranslation(TranslationOptions):
    fields = ("title", "summary")


@register(Lesson)
class LessonTranslation(TranslationOptions):
    fields = ("title", "summary")


@register(Block)
class BlockTranslation(TranslationOptions):
    fields = ("title", "body", "long_description")


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("title", "text", "general_feedback")


@register(Answer)
class AnswerTranslation(TranslationOptions):
    fields = ("text", "feedback", "match")
