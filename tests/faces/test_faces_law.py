"""Does the law quiz cover every rule it presents, with one answer per situation?"""

from civicai.faces import law


def test_every_rule_is_the_answer_to_one_situation():
    assert sorted(c.rule for c in law.CASES) == sorted(law.RULES)


def test_check_accepts_the_right_rule_only():
    for i, case in enumerate(law.CASES):
        assert law.check(i, case.rule)[0]
        assert not any(law.check(i, other)[0] for other in law.RULES if other != case.rule)
        assert not law.check(i, None)[0]


def test_the_widget_builds():
    box = law.law_quiz()
    assert len(box.children) == 2 * len(law.CASES) + 2


def test_every_rule_summarises_a_verified_entry_of_the_etat_du_droit():
    from civicai.content import facts
    from testkit import REPO

    _, entries = facts.load(REPO / "modules" / "02-biais-reconnaissance-faciale")
    by_id = {e.id: e for e in entries}
    assert set(law.ENTRIES) == set(law.RULES)
    for rule, entry_id in law.ENTRIES.items():
        assert by_id[entry_id].status == "vérifié", rule


def test_the_real_time_rule_states_the_urgency_procedure():
    assert "24 heures" in law.RULES["5-1-h"] and "répressives" in law.RULES["5-1-h"]
