"""Class lists from CSV: French or English headers, and all or nothing when a line is wrong."""

from __future__ import annotations

import pytest

from civicai.errors import UserError
from civicai.grading.roster import import_roster, parse_roster
from gradingtools import mini_course_factory  # noqa: F401


def write(tmp_path, text, encoding="utf-8", name="classe.csv"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def test_french_headers_semicolons_and_accents(tmp_path):
    p = write(tmp_path, "Identifiant;Prénom;Nom;Courriel\nalice.m;Alice;Martin;alice@example.org\n"
                        "\n" "karim-b;Karim;Benali;karim@example.org\n", encoding="utf-8-sig")
    people = parse_roster(p)
    assert [(x.identifiant, x.prenom, x.nom, x.email) for x in people] == [
        ("alice.m", "Alice", "Martin", "alice@example.org"), ("karim-b", "Karim", "Benali", "karim@example.org")]


def test_english_headers_commas_and_windows_encoding(tmp_path):
    p = write(tmp_path, "username,first name,last name,email\nzoe,Zoé,Lefèvre,zoe@example.org\n", encoding="cp1252")
    (person,) = parse_roster(p)
    assert (person.identifiant, person.prenom, person.nom) == ("zoe", "Zoé", "Lefèvre")


@pytest.mark.parametrize("body, line, words", [
    ("alice;Alice;Martin;alice@example.org\nbob;Bob;Roy\n", 3, "colonne"),
    ("alice;Alice;Martin;alice@example.org\nAlice Dupont;Alice;Dupont;a@example.org\n", 3, "identifiant"),
    ("alice;Alice;Martin;alice@example.org\nalice;Alix;Roy;x@example.org\n", 3, "déjà utilisé à la ligne 2"),
    ("alice;Alice;Martin;pas-une-adresse\n", 2, "email"),
    ("alice;;Martin;alice@example.org\n", 2, "prénom"),
])
def test_a_bad_line_is_named_in_french(tmp_path, body, line, words):
    p = write(tmp_path, "identifiant;prénom;nom;email\n" + body)
    with pytest.raises(UserError) as err:
        parse_roster(p)
    msg = str(err.value)
    assert f"ligne {line}" in msg and words in msg and "rien n'a été importé" in msg


def test_missing_column_is_named(tmp_path):
    p = write(tmp_path, "identifiant;prénom;email\nalice;Alice;a@example.org\n")
    with pytest.raises(UserError, match="ligne 1 : colonne\\(s\\) manquante\\(s\\) : nom"):
        parse_roster(p)


@pytest.mark.slow  # starts a process (nbgrader, in mini_course_factory)
def test_nothing_is_imported_when_one_line_is_wrong(mini_course_factory, tmp_path):
    course = mini_course_factory(tmp_path / "var")
    good = write(tmp_path, "identifiant;prénom;nom;email\nalice;Alice;Martin;alice@example.org\n", name="ok.csv")
    assert import_roster(course, good) == (1, 0)
    bad = write(tmp_path, "identifiant;prénom;nom;email\nbruno;Bruno;Roy;bruno@example.org\n"
                          "carla;Carla;Diaz;carla@example.org\nDavid!;David;Roy;d@example.org\n", name="ko.csv")
    with pytest.raises(UserError, match="ligne 4"):
        import_roster(course, bad)
    with course.gradebook() as gb:
        assert sorted(s.id for s in gb.students) == ["alice"]
    # a corrected file updates the existing person and adds the others
    fixed = write(tmp_path, "identifiant;prénom;nom;email\nalice;Alice;Martin-Roy;alice@example.org\n"
                            "bruno;Bruno;Roy;bruno@example.org\n", name="fixed.csv")
    assert import_roster(course, fixed) == (1, 1)
    with course.gradebook() as gb:
        assert gb.find_student("alice").last_name == "Martin-Roy"
