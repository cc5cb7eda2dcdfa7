"""Forms for dissemination events and their attachments."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from egi.forms import strip_filter


class EventForm(FlaskForm):
    title = StringField(_l("Title"), filters=[strip_filter],
                        validators=[DataRequired(), Length(max=300)])
    date = DateField(_l("Date"), validators=[InputRequired(_l("Give the date."))])
    place = StringField(_l("Place"), filters=[strip_filter], validators=[Optional(),
                                                                         Length(max=300)])
    notes = TextAreaField(_l("Notes"), filters=[strip_filter], validators=[Optional(),
                                                                           Length(max=4000)])
    submit = SubmitField(_l("Record the event"))


class AttachmentForm(FlaskForm):
    document = FileField(_l("File"), validators=[FileRequired(_l("Choose a file."))])
    submit = SubmitField(_l("Attach"))
