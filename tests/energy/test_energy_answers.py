"""Does a module-5 answer follow the kit's answer contract: POSTed to the facilitator room when there is one,
kept locally (and no failure) when there is none or when it is down?"""

from __future__ import annotations

from civicai.energy import ask
from testkit import RecordingRoom


def test_an_answer_is_posted_with_the_contract_fields(monkeypatch):
    room = RecordingRoom()
    try:
        monkeypatch.setenv("CIVICAI_SALLE_URL", f"{room.url}services/salle/")
        monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "jeton-de-test")
        assert ask.record("01-l-energie-d-un-apprentissage.ipynb", "M5-P1", "choice", "Environ 5 fois plus")
    finally:
        room.close()
    path, auth, body = room.got[0]
    assert path == "/services/salle/api/answers" and auth == "token jeton-de-test"
    assert body == {"module": "05-ce-que-coute-l-ia", "notebook": "01-l-energie-d-un-apprentissage.ipynb",
                    "question": "M5-P1", "kind": "choice", "value": "Environ 5 fois plus"}


def test_without_a_room_or_with_a_room_down_nothing_fails(monkeypatch):
    monkeypatch.delenv("CIVICAI_SALLE_URL", raising=False)
    assert ask.record("x.ipynb", "M5-Q1", "text", "ma réponse") is False
    room = RecordingRoom()
    room.close()
    monkeypatch.setenv("CIVICAI_SALLE_URL", room.url)
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "jeton")
    assert ask.record("x.ipynb", "M5-Q1", "text", "ma réponse") is False
