"""Forms for nominations, rounds, assignments, invitations answers and reviews."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
)

from egi.forms import email_filter, select_choices, strip_filter
from egi.members.forms import sector_choices
from egi.reviews.models import Recommendation, Stance

LONG = 10000
DATE_FORMAT = "%Y-%m-%dT%H:%M"


class NominationForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip_filter],
                       validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("E-mail"), filters=[email_filter],
                       validators=[DataRequired(), Email(check_deliverability=False),
                                   Length(max=254)])
    organisation = StringField(_l("Organisation"), filters=[strip_filter],
                               validators=[Optional(), Length(max=200)])
    sector = SelectField(_l("Sector"), choices=[])
    expertise = TextAreaField(_l("Expertise"), filters=[strip_filter],
                              validators=[DataRequired(), Length(max=LONG)])
    reason = TextAreaField(_l("Why this person"), filters=[strip_filter],
                           validators=[DataRequired(), Length(max=LONG)])
    conflicts = TextAreaField(_l("Known conflicts of interest"), filters=[strip_filter],
                              validators=[Optional(), Length(max=LONG)])
    submit = SubmitField(_l("Nominate"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sector.choices = sector_choices()


class OpinionForm(FlaskForm):
    stance = RadioField(_l("Your opinion"), choices=Stance.choices(),
                        validators=[InputRequired(_l("Choose endorse or object."))])
    reason = TextAreaField(_l("Reason (required to object)"), filters=[strip_filter],
                           validators=[Optional(), Length(max=LONG)])
    submit = SubmitField(_l("Send my opinion"))


class DecisionForm(FlaskForm):
    decision = HiddenField(validators=[DataRequired()])
    note = TextAreaField(_l("Note (optional)"), filters=[strip_filter],
                         validators=[Optional(), Length(max=LONG)])
    submit = SubmitField(_l("Decide"))


class RoundForm(FlaskForm):
    version = SelectField(_l("Version to review"), coerce=int, choices=[])
    due_at = DateTimeLocalField(_l("Due on (UTC)"), format=DATE_FORMAT,
                                validators=[InputRequired(_l("Give a due date and time."))])
    anonymity = RadioField(_l("Anonymity"), default="blind", choices=select_choices([
        ("blind", _l("Blind: reviewers are “Reviewer 1”, “Reviewer 2” … to the consultant and "
                     "the experts")),
        ("open", _l("Open: everyone sees the reviewers' names"))]))
    peers_visible = BooleanField(_l("Reviewers see each other's reviews after submitting "
                                    "their own"))
    criteria = TextAreaField(_l("Criteria, one per line"), filters=[strip_filter],
                             validators=[DataRequired(_l("Give at least one criterion.")),
                                         Length(max=6000)])
    revision = IntegerField(validators=[Optional()])
    submit = SubmitField(_l("Open the review round"))

    def criteria_list(self) -> list[str]:
        return [line.strip() for line in (self.criteria.data or "").splitlines() if line.strip()]


class AssignForm(FlaskForm):
    reviewer = SelectField(_l("Reviewer"), coerce=int, choices=[],
                           validators=[InputRequired(_l("Choose a reviewer."))])
    submit = SubmitField(_l("Assign"))


class InviteReviewerForm(FlaskForm):
    display_name = StringField(_l("Name"), filters=[strip_filter],
                               validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("E-mail"), filters=[email_filter],
                       validators=[DataRequired(), Email(check_deliverability=False),
                                   Length(max=254)])
    organisation = StringField(_l("Organisation"), filters=[strip_filter],
                               validators=[Optional(), Length(max=200)])
    sector = SelectField(_l("Sector"), choices=[])
    submit = SubmitField(_l("Invite and assign"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sector.choices = sector_choices()


class RespondForm(FlaskForm):
    answer = RadioField(_l("Your answer"), choices=select_choices([
        ("accept", _l("I accept")), ("decline", _l("I decline"))]),
        validators=[InputRequired(_l("Choose accept or decline."))])
    conflict_declaration = TextAreaField(
        _l("Conflict-of-interest declaration (required to accept)"), filters=[strip_filter],
        validators=[Optional(), Length(max=LONG)])
    decline_reason = TextAreaField(_l("Why you decline (required to decline)"),
                                   filters=[strip_filter], validators=[Optional(),
                                                                       Length(max=LONG)])
    suggestion = TextAreaField(_l("Someone you suggest instead (optional)"),
                               filters=[strip_filter], validators=[Optional(),
                                                                   Length(max=LONG)])
    revision = IntegerField(validators=[InputRequired()])
    submit = SubmitField(_l("Send my answer"))


class ExtensionForm(FlaskForm):
    until = DateTimeLocalField(_l("New due date (UTC)"), format=DATE_FORMAT,
                               validators=[InputRequired(_l("Give a date and time."))])
    reason = TextAreaField(_l("Reason"), filters=[strip_filter],
                           validators=[DataRequired(_l("Give a reason.")), Length(max=LONG)])
    submit = SubmitField(_l("Send"))


class ReviewForm(FlaskForm):
    recommendation = RadioField(_l("Recommendation"), choices=Recommendation.choices(),
                                validators=[Optional()])
    summary = TextAreaField(_l("Summary for the consultant"), filters=[strip_filter],
                            validators=[Optional(), Length(max=LONG)])
    confidential_note = TextAreaField(_l("Confidential note for the coordinator only"),
                                      filters=[strip_filter],
                                      validators=[Optional(), Length(max=LONG)])
    file = FileField(_l("Attach a file (Word or PDF, optional)"))
    revision = IntegerField(validators=[InputRequired()])
    save = SubmitField(_l("Save draft"))
    submit_review = SubmitField(_l("Submit the review"))


def score_values(form, criteria: list[str]) -> tuple[dict[str, int | None], list[str]]:
    """Scores posted as score-<i> for each criterion; errors for values outside 1–5."""
    from flask import request

    values: dict[str, int | None] = {}
    errors: list[str] = []
    for index, criterion in enumerate(criteria):
        raw = (request.form.get(f"score-{index}") or "").strip()
        if not raw:
            values[criterion] = None
            continue
        try:
            number = int(raw)
        except ValueError:
            number = 0
        if not 1 <= number <= 5:
            errors.append(str(_l("%(criterion)s: give a score from 1 to 5.",
                                 criterion=criterion)))
            values[criterion] = None
        else:
            values[criterion] = number
    return values, errors


class SummaryForm(FlaskForm):
    summary = TextAreaField(_l("Summary of the round for the consultant"),
                            filters=[strip_filter], validators=[Optional(), Length(max=LONG)])
    share = BooleanField(_l("Share with the consultant"))
    revision = IntegerField(validators=[InputRequired()])
    submit = SubmitField(_l("Save the summary"))

