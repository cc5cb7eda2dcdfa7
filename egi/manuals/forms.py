"""Forms for manuals, teams and uploads."""

from __future__ import annotations

from babel import Locale
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from egi.forms import select_choices, strip_filter
from egi.manuals.models import WORKING_LANGUAGES


def language_choices() -> list:
    """Working languages named in the reader's own language."""
    here = get_locale() or Locale("en")
    names = [(code, (Locale(code).get_display_name(here) or code).capitalize())
             for code in WORKING_LANGUAGES]
    return select_choices(sorted(names, key=lambda pair: pair[1]))


class ManualForm(FlaskForm):
    title = StringField(_l("Title"), filters=[strip_filter],
                        validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(_l("Short description"), filters=[strip_filter],
                                validators=[Optional(), Length(max=4000)])
    working_language = SelectField(_l("Working language"), default="en")
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.working_language.choices = language_choices()


class AddMemberForm(FlaskForm):
    user_id = SelectField(_l("Person"), coerce=int, validators=[InputRequired()])
    submit = SubmitField(_l("Add to the team"))


class UploadForm(FlaskForm):
    document = FileField(_l("Draft file"),
                         validators=[FileRequired(_l("Choose a file to upload."))])
    note = TextAreaField(_l("What changed in this version"), filters=[strip_filter],
                         validators=[Optional(), Length(max=4000)])
    expected_number = IntegerField(validators=[InputRequired()])
    submit = SubmitField(_l("Upload"))


class PendingDecisionForm(FlaskForm):
    decision = HiddenField()
    submit = SubmitField(_l("Continue"))
