"""Certificates of completion, issued once per learner and course."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from listening.learning.models import Certificate, Course, Learner, ModuleCompletion

# No 0/O, 1/I/L: a code read aloud or typed from paper stays unambiguous.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def course_is_complete(*, learner: Learner, course: Course) -> bool:
    modules = course.modules.count()
    done = ModuleCompletion.objects.filter(learner=learner, module__course=course).count()
    return modules > 0 and done >= modules


def certificate_issue(*, learner: Learner, course: Course, name: str) -> Certificate:
    """The learner's certificate for the course (the same one if asked again)."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Write the name to print on the certificate.")})
    if len(name) > 200:
        raise ValidationError({"name": _("The name is at most 200 characters.")})
    with transaction.atomic():
        existing = Certificate.objects.filter(learner=learner, course=course).first()
        if existing is not None:
            return existing
        if not course_is_complete(learner=learner, course=course):
            raise ValidationError(_("Complete every module of the course first."))
        certificate = Certificate(learner=learner, course=course, code=new_code(), name=name)
        certificate.full_clean()
        certificate.save()
        return certificate
