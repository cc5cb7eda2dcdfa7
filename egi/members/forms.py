"""Forms for inviting and editing members and for one's own profile."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from egi.auth.models import Role, Sector
from egi.forms import email_filter, select_choices, strip_filter


def sector_choices():
    return select_choices([("", _l("— none —"))]) + Sector.choices()


class MemberDetailsForm(FlaskForm):
    """Role, sector and organisation; experts must have a sector."""

    display_name = StringField(_l("Name"), filters=[strip_filter],
                               validators=[DataRequired(), Length(max=120)])
    organisation = StringField(_l("Organisation"), filters=[strip_filter],
                               validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Role"), choices=[])
    sector = SelectField(_l("Sector"), choices=[])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, allowed_roles: list[Role], **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = select_choices((r.value, r.label) for r in allowed_roles)
        self.sector.choices = sector_choices()

    def validate_sector(self, field):
        if self.role.data == Role.EXPERT.value and not field.data:
            raise ValidationError(_l("Experts need a sector."))


class InviteForm(MemberDetailsForm):
    email = EmailField(_l("E-mail"), filters=[email_filter],
                       validators=[DataRequired(), Email(check_deliverability=False),
                                   Length(max=254)])
    submit = SubmitField(_l("Send invitation"))


class ProfileForm(FlaskForm):
    display_name = StringField(_l("Name"), filters=[strip_filter],
                               validators=[DataRequired(), Length(max=120)])
    organisation = StringField(_l("Organisation"), filters=[strip_filter],
                               validators=[Optional(), Length(max=200)])
    locale = SelectField(_l("Language"), choices=[])
    email_digest = BooleanField(_l("Send me one daily digest instead of separate e-mails"))
    submit = SubmitField(_l("Save profile"))


class ConfirmForm(FlaskForm):
    """An empty form: a button with a CSRF token."""

    submit = SubmitField(_l("Confirm"))
