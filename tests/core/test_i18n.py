"""Every user-facing string is marked for translation, and the catalogues are complete."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tests.conftest import PROJECT_ROOT

TEMPLATES = PROJECT_ROOT / "templates"
TRANSLATIONS = PROJECT_ROOT / "egi" / "translations"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
            "lazy_ngettext": (1, 2)}
# Text that is the same in every language.
UNTRANSLATED_OK = {"EGI", "English", "Français", "Español"}


def extracted_ids() -> set[str]:
    ids = set()
    maps = [("egi", [("**.py", "python")]),
            ("templates", [("**.html", "jinja2"), ("**.txt", "jinja2")])]
    for folder, method_map in maps:
        for _file, _line, message, _comments, _ctx in extract_from_dir(
                str(PROJECT_ROOT / folder), method_map=method_map, keywords=KEYWORDS):
            ids.add(message if isinstance(message, str) else message[0])
    return ids


@pytest.mark.parametrize("language", ["fr", "es"])
def test_catalogue_is_complete(language):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalogue = read_po(handle)
    missing = sorted(i for i in extracted_ids() if i not in catalogue or not catalogue[i].string)
    assert not missing, (f"{language}: {len(missing)} strings missing or untranslated "
                         f"(run `make i18n-extract` and translate): {missing[:10]}")
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert not fuzzy, f"{language}: fuzzy entries {fuzzy[:10]}"
    for message in catalogue:
        if message.id and isinstance(message.string, tuple):
            assert all(message.string), f"{language}: incomplete plural for {message.id!r}"


def _visible_text(source: str) -> list[str]:
    """Text a person would see that is not inside a Jinja expression or tag."""
    text = re.sub(r"\{#.*?#\}", " ", source, flags=re.S)
    text = re.sub(r"\{%.*?%\}", " ", text, flags=re.S)
    text = re.sub(r"\{\{.*?\}\}", " ", text, flags=re.S)
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]*>", " ", text, flags=re.S)
    text = re.sub(r"&[a-z]+;|&#\d+;", " ", text)
    return [word for word in re.findall(r"[^\W\d_][\w'’-]*", text) if word not in UNTRANSLATED_OK]


def _attribute_text(source: str) -> list[str]:
    """Literal human-readable attribute values (labels, titles, alt text, placeholders)."""
    found = []
    for match in re.finditer(r'\b(aria-label|title|alt|placeholder)="([^"]*)"', source):
        value = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", match.group(2))
        if re.search(r"[^\W\d_]", value):
            found.append(f"{match.group(1)}={match.group(2)!r}")
    return found


TEMPLATE_FILES = sorted(p for p in TEMPLATES.rglob("*") if p.suffix in (".html", ".txt"))


@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_template_text_is_marked_for_translation(path: Path):
    source = path.read_text(encoding="utf-8")
    unmarked = _visible_text(source) + _attribute_text(source)
    assert not unmarked, f"unmarked text in {path.name}: {unmarked[:10]}"


def test_pages_render_in_french_and_spanish(app, client):
    client.post("/language", data={"language": "fr", "next": "/login"})
    assert "Se connecter" in client.get("/login").get_data(as_text=True)
    client.post("/language", data={"language": "es", "next": "/login"})
    assert 'lang="es"' in client.get("/login").get_data(as_text=True)


def test_unknown_language_is_refused(client):
    assert client.post("/language", data={"language": "xx"}).status_code == 400


def test_language_chosen_before_login_carries_into_the_account(app, client):
    from egi.auth.models import User
    from egi.extensions import db
    from tests.conftest import login
    from tests.factories import make_user

    user = make_user()
    db.session.commit()
    client.post("/language", data={"language": "es", "next": "/login"})
    login(client, user)
    assert 'lang="es"' in client.get("/").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "es"
