"""Manuals and teams: who creates, who sees, who belongs."""

from __future__ import annotations

from egi.auth.models import Role
from egi.extensions import db
from egi.manuals.models import Manual
from tests.conftest import login
from tests.factories import make_user
from tests.manuals.helpers import add_version, make_team


def test_coordinator_creates_manual_and_names_team(app, client):
    coordinator = make_user(Role.COORDINATOR)
    consultant = make_user(Role.CONSULTANT, name="Colin Consultant")
    db.session.commit()
    login(client, coordinator)
    response = client.post("/manuals/new", data={
        "title": "Guiding Principles", "description": "MoUs", "working_language": "fr"})
    assert response.status_code == 302
    manual = db.session.scalars(db.select(Manual)).one()
    assert manual.working_language == "fr" and manual.state.value == "drafting"
    response = client.post(f"/manuals/{manual.id}/team", data={"user_id": consultant.id})
    assert response.status_code == 302
    page = client.get(f"/manuals/{manual.id}").get_data(as_text=True)
    assert "Colin Consultant" in page and "French" in page


def test_only_staff_create_manuals(app, client):
    expert = make_user(Role.EXPERT)
    db.session.commit()
    login(client, expert)
    assert client.get("/manuals/new").status_code == 403
    response = client.post("/manuals/new", data={"title": "x", "working_language": "en"})
    assert response.status_code == 403


def test_blank_title_is_refused(app, client):
    coordinator = make_user(Role.COORDINATOR)
    db.session.commit()
    login(client, coordinator)
    response = client.post("/manuals/new", data={"title": "   ", "working_language": "en"})
    assert response.status_code == 400 and b"This field is required" in response.data


def test_people_see_only_their_manuals(app, client):
    team = make_team()
    login(client, team.outsider)
    page = client.get("/manuals/").get_data(as_text=True)
    assert "Other manual" in page and "Guiding Principles" not in page
    assert client.get(f"/manuals/{team.manual.id}").status_code == 403
    client.post("/logout")
    login(client, team.coordinator)
    page = client.get("/manuals/").get_data(as_text=True)
    assert "Other manual" in page and "Guiding Principles" in page


def test_expert_of_another_manual_cannot_read_download_or_compare(app, client):
    team = make_team()
    add_version(team.manual, team.consultant, "# One\n\nFirst.")
    add_version(team.manual, team.consultant, "# One\n\nSecond.")
    login(client, team.outsider)
    manual_id = team.manual.id
    for url in (f"/manuals/{manual_id}/v/1", f"/manuals/{manual_id}/v/1/download",
                f"/manuals/{manual_id}/compare", f"/manuals/{manual_id}/upload",
                f"/manuals/{manual_id}/team"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert b"First." not in response.data


def test_team_accepts_only_active_team_roles(app, client):
    team = make_team()
    admin = make_user(Role.ADMIN)
    db.session.commit()
    login(client, team.coordinator)
    response = client.post(f"/manuals/{team.manual.id}/team", data={"user_id": admin.id})
    assert response.status_code == 400  # not offered as a choice
    response = client.post(f"/manuals/{team.manual.id}/team/{team.expert.id}/remove")
    assert response.status_code == 302
    db.session.expire_all()
    assert team.expert.id not in db.session.get(Manual, team.manual.id).member_ids()


def test_experts_cannot_manage_the_team(app, client):
    team = make_team()
    login(client, team.expert)
    assert client.get(f"/manuals/{team.manual.id}/team").status_code == 403
    assert client.post(f"/manuals/{team.manual.id}/team/{team.expert.id}/remove").status_code == 403


def test_manual_list_shows_state_current_version_and_activity(app, client, count_queries):
    team = make_team()
    add_version(team.manual, team.consultant, "# One\n\nFirst.")
    add_version(team.manual, team.consultant, "# One\n\nSecond.")
    login(client, team.expert)
    page = client.get("/manuals/").get_data(as_text=True)
    assert "Drafting" in page and "Version 2" in page
