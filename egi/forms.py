"""Form pieces shared by several areas."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, ValidationError

from egi.auth.models import normalise_email


def select_choices(pairs: Iterable[tuple]) -> list[SelectChoice]:
    """WTForms options from (value, label) pairs."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]


def strip_filter(value):
    """Trim surrounding whitespace from text input."""
    return value.strip() if isinstance(value, str) else value


def email_filter(value):
    """Normalise an e-mail address the way accounts store it."""
    return normalise_email(value) if isinstance(value, str) else value


class NewPassword:
    """Validator: the password rules of egi.auth.passwords, with the e-mail taken from a field."""

    def __init__(self, email_field: str | None = None):
        self.email_field = email_field

    def __call__(self, form, field):
        from egi.auth.passwords import password_problems

        email = ""
        if self.email_field and self.email_field in form:
            email = form[self.email_field].data or ""
        elif getattr(form, "account_email", None):
            email = form.account_email
        problems = password_problems(field.data or "", email)
        if problems:
            raise ValidationError(" ".join(str(p) for p in problems))


class EqualToField:
    """Validator: the two password fields must match."""

    def __init__(self, other: str):
        self.other = other

    def __call__(self, form, field):
        if field.data != form[self.other].data:
            raise ValidationError(_l("The two passwords do not match."))
