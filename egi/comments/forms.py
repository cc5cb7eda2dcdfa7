"""Forms for comments, replies, dispositions, responses and consultations."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from egi.comments.models import (
    MAX_COMMENT_LENGTH,
    Audience,
    CommenterResponse,
    CommentType,
    Disposition,
)
from egi.forms import select_choices, strip_filter

EXPERT_TYPES = [t for t in CommentType if t != CommentType.REVIEW]
TOO_LONG = _l("A comment can be at most %(max)d characters long.")


class CommentForm(FlaskForm):
    block = HiddenField()
    quote = HiddenField(filters=[strip_filter], validators=[Length(max=1000)])
    kind = RadioField(_l("Type of comment"),
                      choices=select_choices((t.value, t.label) for t in EXPERT_TYPES),
                      default=CommentType.GENERAL.value)
    body = TextAreaField(_l("Comment"), filters=[strip_filter],
                         validators=[DataRequired(_l("Write something first: the comment is "
                                                     "empty.")),
                                     Length(max=MAX_COMMENT_LENGTH, message=TOO_LONG)])
    proposed_wording = TextAreaField(_l("Proposed wording (optional)"), filters=[strip_filter],
                                     validators=[Optional(),
                                                 Length(max=MAX_COMMENT_LENGTH, message=TOO_LONG)])
    audience = RadioField(_l("Who can read it"), choices=Audience.choices(),
                          default=Audience.TEAM.value)
    show_as_sector = BooleanField(_l("Show me as “an expert from my sector” instead of my name"))
    submit = SubmitField(_l("Add comment"))


class EditCommentForm(FlaskForm):
    revision = IntegerField(validators=[InputRequired()])
    kind = RadioField(_l("Type of comment"),
                      choices=select_choices((t.value, t.label) for t in EXPERT_TYPES))
    body = TextAreaField(_l("Comment"), filters=[strip_filter],
                         validators=[DataRequired(), Length(max=MAX_COMMENT_LENGTH)])
    proposed_wording = TextAreaField(_l("Proposed wording (optional)"), filters=[strip_filter],
                                     validators=[Optional(), Length(max=MAX_COMMENT_LENGTH)])
    submit = SubmitField(_l("Save changes"))


class ReplyForm(FlaskForm):
    body = TextAreaField(_l("Reply"), filters=[strip_filter],
                         validators=[DataRequired(), Length(max=MAX_COMMENT_LENGTH)])
    show_as_sector = BooleanField(_l("Show me as “an expert from my sector” instead of my name"))
    submit = SubmitField(_l("Reply"))


class DispositionForm(FlaskForm):
    revision = IntegerField(validators=[InputRequired()])
    disposition = SelectField(_l("Disposition"), choices=Disposition.choices())
    response = TextAreaField(_l("Response"), filters=[strip_filter],
                             validators=[Optional(), Length(max=5000)])
    duplicate_of = IntegerField(_l("Duplicate of comment number"), validators=[Optional()])
    submit = SubmitField(_l("Save the disposition"))


class ResponseForm(FlaskForm):
    revision = IntegerField(validators=[InputRequired()])
    response = RadioField(_l("Your answer to the disposition"),
                          choices=CommenterResponse.choices(),
                          validators=[InputRequired(_l("Choose an answer."))])
    note = TextAreaField(_l("Note (required if you maintain the objection)"),
                         filters=[strip_filter], validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Send my answer"))


class RetractForm(FlaskForm):
    revision = IntegerField(validators=[InputRequired()])
    submit = SubmitField(_l("Retract the comment"))


class ConsultationForm(FlaskForm):
    closes_at = DateTimeLocalField(_l("Closes on (UTC)"), format="%Y-%m-%dT%H:%M",
                                   validators=[InputRequired(_l("Give a closing date and time."))])
    submit = SubmitField(_l("Open the consultation"))


class ConsultationChangeForm(FlaskForm):
    closes_at = DateTimeLocalField(_l("New closing date (UTC)"), format="%Y-%m-%dT%H:%M",
                                   validators=[Optional()])
    action = HiddenField()
    submit = SubmitField(_l("Extend"))
