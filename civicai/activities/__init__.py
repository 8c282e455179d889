"""Predict, answer, measure: the learner's own words inside the notebooks (issue 15).

A notebook opens an :class:`AnswerSheet` once, then calls ``sheet.predict(...)`` before a result,
``sheet.reveal(...)`` where the result shows, and ``sheet.question(...)`` under every numbered question.
Question ids are kit-unique: ``M<module>-Q<n>`` for questions, ``M<module>-P<n>`` for predictions.
"""

from civicai.activities.sheet import AnswerSheet, about

__all__ = ["AnswerSheet", "about"]
