"""People pages: list and filter, invite, edit, deactivate, own profile."""

from __future__ import annotations

from egi.audit.models import AuditEntry
from egi.auth.models import Role, Sector, User
from egi.extensions import db
from tests.conftest import login
from tests.factories import make_user


def invite(client, **fields):
    data = {"email": "someone@example.org", "display_name": "Someone", "organisation": "Org",
            "role": "expert", "sector": "ngo", **fields}
    return client.post("/members/invite", data=data)


def test_coordinator_filters_members_by_role_and_sector(app, client):
    coordinator = make_user(Role.COORDINATOR)
    make_user(Role.EXPERT, Sector.NGO, name="Nadia Noor")
    make_user(Role.EXPERT, Sector.LABOUR, name="Lars Lindqvist")
    make_user(Role.REVIEWER, name="Rowan Quill")
    db.session.commit()
    login(client, coordinator)
    page = client.get("/members/?role=expert&sector=ngo").get_data(as_text=True)
    assert "Nadia Noor" in page and "Lars Lindqvist" not in page and "Rowan Quill" not in page
    assert client.get("/members/?role=nonsense&sector=zzz").status_code == 200


def test_experts_and_reviewers_cannot_list_or_invite(app, client):
    expert = make_user(Role.EXPERT)
    db.session.commit()
    login(client, expert)
    assert client.get("/members/").status_code == 403
    assert invite(client).status_code == 403
    assert b'href="/members/"' not in client.get("/").data  # the nav hides it


def test_invite_requires_sector_for_experts(app, client):
    coordinator = make_user(Role.COORDINATOR)
    db.session.commit()
    login(client, coordinator)
    response = invite(client, sector="")
    assert response.status_code == 400 and b"Experts need a sector" in response.data
    assert db.session.scalar(db.select(User).where(User.email == "someone@example.org")) is None


def test_invite_existing_email_is_refused_clearly(app, client):
    coordinator = make_user(Role.COORDINATOR)
    make_user(email="taken@example.org")
    db.session.commit()
    login(client, coordinator)
    response = invite(client, email="TAKEN@example.org ")
    assert response.status_code == 400 and b"already a member" in response.data


def test_invite_with_malformed_email_is_refused(app, client):
    coordinator = make_user(Role.COORDINATOR)
    db.session.commit()
    login(client, coordinator)
    response = invite(client, email="not an address")
    assert response.status_code == 400 and b"Invalid email address" in response.data


def test_coordinator_cannot_create_admins_but_admin_can(app, client):
    coordinator = make_user(Role.COORDINATOR)
    db.session.commit()
    login(client, coordinator)
    assert invite(client, role="admin", sector="").status_code == 400
    client.post("/logout")
    admin = make_user(Role.ADMIN)
    db.session.commit()
    login(client, admin)
    assert invite(client, role="admin", sector="", email="ops@example.org").status_code == 302


def test_invitation_is_audited_and_mailed(app, client):
    coordinator = make_user(Role.COORDINATOR)
    db.session.commit()
    login(client, coordinator)
    assert invite(client).status_code == 302
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.verb == "members.invited")).one()
    assert entry.actor_id == coordinator.id and entry.details["sector"] == "ngo"


def test_edit_role_sector_and_organisation(app, client):
    coordinator = make_user(Role.COORDINATOR)
    expert = make_user(Role.EXPERT, Sector.NGO)
    db.session.commit()
    login(client, coordinator)
    response = client.post(f"/members/{expert.id}/edit", data={
        "display_name": "Renamed", "organisation": "New org", "role": "reviewer", "sector": ""})
    assert response.status_code == 302
    db.session.refresh(expert)
    assert (expert.display_name, expert.role, expert.sector) == ("Renamed", Role.REVIEWER, None)


def test_coordinator_cannot_edit_an_admin(app, client):
    coordinator = make_user(Role.COORDINATOR)
    admin = make_user(Role.ADMIN)
    db.session.commit()
    login(client, coordinator)
    assert client.get(f"/members/{admin.id}/edit").status_code == 403
    assert client.get("/members/999999/edit").status_code == 404


def test_deactivation_signs_the_person_out_and_keeps_them(app):
    coordinator = make_user(Role.COORDINATOR)
    expert = make_user(Role.EXPERT)
    db.session.commit()
    boss, victim = app.test_client(), app.test_client()
    login(boss, coordinator)
    login(victim, expert)
    assert victim.get("/").status_code == 200
    assert boss.post(f"/members/{expert.id}/active", data={"active": "0"}).status_code == 302
    assert victim.get("/").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, expert.id).active is False
    assert b"not right" in login(victim, expert).data


def test_nobody_deactivates_themselves(app, client):
    coordinator = make_user(Role.COORDINATOR)
    db.session.commit()
    login(client, coordinator)
    assert client.post(f"/members/{coordinator.id}/active", data={"active": "0"}).status_code == 403


def test_profile_edit_changes_language(app, client):
    user = make_user()
    db.session.commit()
    login(client, user)
    response = client.post("/members/me", data={
        "display_name": "Lena L.", "organisation": "BKA", "locale": "fr"})
    assert response.status_code == 302
    page = client.get("/members/me").get_data(as_text=True)
    assert 'lang="fr"' in page
