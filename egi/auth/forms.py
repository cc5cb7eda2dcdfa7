"""Sign-in and password forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, SubmitField
from wtforms.validators import DataRequired, Email, Length

from egi.forms import EqualToField, NewPassword, email_filter


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), filters=[email_filter],
                       validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in on this device"))
    submit = SubmitField(_l("Sign in"))


class RequestResetForm(FlaskForm):
    email = EmailField(_l("E-mail"), filters=[email_filter],
                       validators=[DataRequired(), Email(check_deliverability=False),
                                   Length(max=254)])
    submit = SubmitField(_l("Send reset link"))


class SetPasswordForm(FlaskForm):
    """Used for reset, invitation acceptance and change (with current password) alike."""

    password = PasswordField(_l("New password"),
                             validators=[DataRequired(), Length(max=200), NewPassword()])
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualToField("password")])
    submit = SubmitField(_l("Save password"))

    def __init__(self, *args, account_email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.account_email = account_email


class ChangePasswordForm(SetPasswordForm):
    current_password = PasswordField(_l("Current password"),
                                     validators=[DataRequired(), Length(max=200)])


class LanguageForm(FlaskForm):
    language = SelectField(_l("Language"), choices=[])
    submit = SubmitField(_l("Change language"))
