"""`flask egi ...`: demo data, mail delivery and other jobs for cron."""

from __future__ import annotations

from contextlib import contextmanager

import click
from flask import current_app
from flask.cli import with_appcontext

from egi.extensions import db


@contextmanager
def external_urls():
    """Let url_for(_external=True) build links from EXTERNAL_URL outside a web request."""
    with current_app.test_request_context(base_url=current_app.config["EXTERNAL_URL"]):
        yield


@click.group("egi")
def egi_cli():
    """EGI maintenance commands."""


@egi_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Only seed when the database has no accounts.")
@with_appcontext
def demo_command(if_empty: bool):
    """Create (or refresh) the demo accounts and content. Safe to run again."""
    from egi.auth.models import User
    from egi.demo import DEMO_PASSWORD, seed_demo

    if if_empty and db.session.scalar(db.select(db.func.count(User.id))):
        click.echo("Database already has accounts; demo data left as it is.")
        return
    with external_urls():
        accounts = seed_demo()
    db.session.commit()
    click.echo("Demo accounts (password for all: %s — demo only):" % DEMO_PASSWORD)
    for user in accounts:
        sector = user.sector.label if user.sector else ""
        click.echo(f"  {user.email:28} {user.role.value:12} {sector}")


@egi_cli.command("send-digests")
@with_appcontext
def send_digests_command():
    """Gather held e-mails into one daily digest per person, then deliver (cron, daily)."""
    from egi.notifications.services import build_digests, deliver_outbox

    count = build_digests()
    db.session.commit()
    sent, failed = deliver_outbox()
    click.echo(f"digests {count}, sent {sent}, failed {failed}")


@egi_cli.command("send-mail")
@with_appcontext
def send_mail_command():
    """Deliver queued e-mail from the outbox (SMTP from MAIL_*, else the log)."""
    from egi.notifications.services import deliver_outbox

    sent, failed = deliver_outbox()
    click.echo(f"sent {sent}, failed {failed}")


@egi_cli.command("send-reminders")
@with_appcontext
def send_reminders_command():
    """Mail reviewers REVIEW_REMINDER_DAYS (default 3) before the due date and when overdue;
    each reminder goes once. Run it daily from cron, then `send-mail`."""
    from egi.reviews.services import send_reminders

    days = int(current_app.config.get("REVIEW_REMINDER_DAYS", 3))
    with external_urls():
        queued = send_reminders(days_before=days)
    db.session.commit()
    click.echo(f"reminders queued: {queued}")
