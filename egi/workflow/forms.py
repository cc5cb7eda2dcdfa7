"""Forms for workflow actions and sign-off."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, HiddenField, RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from egi.forms import strip_filter
from egi.workflow.models import SignOffDecision


class TransitionForm(FlaskForm):
    expected_state = HiddenField(validators=[InputRequired()])
    note = TextAreaField(_l("Note for the history"), filters=[strip_filter],
                         validators=[Optional(), Length(max=4000)])
    override_reason = TextAreaField(_l("Override the checks: your reason"),
                                    filters=[strip_filter],
                                    validators=[Optional(), Length(max=4000)])
    closes_at = DateTimeLocalField(_l("Consultation closes on (UTC)"),
                                   format="%Y-%m-%dT%H:%M", validators=[Optional()])
    release_at = DateTimeLocalField(_l("Embargo until (UTC, leave empty to release now)"),
                                    format="%Y-%m-%dT%H:%M", validators=[Optional()])
    submit = SubmitField(_l("Apply"))


class SignOffForm(FlaskForm):
    decision = RadioField(_l("Your answer"), choices=SignOffDecision.choices(),
                          validators=[InputRequired(_l("Choose an answer."))])
    concern = TextAreaField(_l("Your concern (required for a blocking concern)"),
                            filters=[strip_filter], validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Send my answer"))


class OverruleForm(FlaskForm):
    reason = TextAreaField(_l("Reason for overruling"), filters=[strip_filter],
                           validators=[InputRequired(_l("Give the reason for overruling the "
                                                        "concern.")), Length(max=4000)])
    submit = SubmitField(_l("Overrule the concern"))
