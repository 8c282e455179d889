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
