"""The service on a real hub, through its HTTP API with real users' tokens: planted opinions, rights, limits."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sklearn.metrics import adjusted_rand_score

from civicai.debate.opinion_map import planted_votes

pytestmark = [pytest.mark.hub, pytest.mark.slow]
VOTE = {1: "agree", -1: "disagree", 0: "pass"}
CONSENSUS = (0, 1, 2, 3)


@pytest.fixture(scope="module")
def tokens(debate_hub):
    names = ["formateur"] + [f"p{i:03d}" for i in range(60)] + ["intrus"]
    debate_hub.create_users(*names)
    with ThreadPoolExecutor(8) as pool:
        return dict(zip(names, pool.map(debate_hub.user_token, names)))


def test_sixty_participants_in_three_planted_groups_are_found_again(debate_hub, tokens):
    hub, admin = debate_hub, tokens["formateur"]
    phrases = [f"Phrase numéro {j} du débat simulé." for j in range(30)]
    r = hub.service("POST", "debates", admin, json={"title": "Débat simulé", "question": "Qui pense quoi ?",
                                                    "statements": phrases})
    assert r.status_code == 201, r.text
    slug = r.json()["slug"]
    ids = {p["text"]: p["id"] for p in hub.service("GET", f"debates/{slug}", admin).json()["statements"]}
    votes, truth = planted_votes(n_participants=60, n_groups=3, n_statements=30, consensus=CONSENSUS, seed=7)

    def cast(vote):
        who, j, value = vote
        return hub.service("POST", f"debates/{slug}/votes", tokens[who],
                           json={"statement": ids[phrases[j]], "vote": VOTE[value]}).status_code

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(cast, votes))
    assert codes == [200] * len(votes)

    def my_group(who):
        m = hub.service("GET", f"debates/{slug}/map", tokens[who]).json()
        return m["points"][m["me"]][2], m

    with ThreadPoolExecutor(8) as pool:
        found = list(pool.map(my_group, [f"p{i:03d}" for i in range(60)]))
    groups = [g for g, _ in found]
    m = found[0][1]
    assert m["k"] == 3 and m["placed"] == 60
    assert adjusted_rand_score(truth, groups) >= 0.9
    assert {c["text"] for c in m["consensus"]} == {phrases[j] for j in CONSENSUS}
    # the map says nothing about who is who
    seen_by_admin = hub.service("GET", f"debates/{slug}/map", admin).text
    assert not any(name in seen_by_admin for name in tokens if name != "formateur")


def test_a_vote_can_be_changed_and_each_person_sees_only_their_own(debate_hub, tokens):
    hub = debate_hub
    slug = hub.service("POST", "debates", tokens["formateur"], json={"theme": "convention"}).json()["slug"]
    first = hub.service("GET", f"debates/{slug}", tokens["p000"]).json()["statements"][0]["id"]
    for value in ("agree", "disagree"):
        assert hub.service("POST", f"debates/{slug}/votes", tokens["p000"],
                           json={"statement": first, "vote": value}).status_code == 200
    hub.service("POST", f"debates/{slug}/votes", tokens["p001"], json={"statement": first, "vote": "pass"})
    assert hub.service("GET", f"debates/{slug}", tokens["p000"]).json()["my_votes"] == {str(first): "disagree"}
    assert hub.service("GET", f"debates/{slug}", tokens["p001"]).json()["my_votes"] == {str(first): "pass"}


def test_participants_cannot_moderate_open_close_or_export(debate_hub, tokens):
    hub, me = debate_hub, tokens["intrus"]
    slug = hub.service("POST", "debates", tokens["formateur"], json={"theme": "03-desinformation"}).json()["slug"]
    sid = hub.service("POST", f"debates/{slug}/statements", me, json={"text": "Une phrase à faire approuver."})
    assert sid.status_code == 201 and sid.json()["status"] == "pending"
    sid = sid.json()["id"]
    for method, path in [("POST", f"debates/{slug}/admin/statements/{sid}"), ("GET", f"debates/{slug}/admin/pending"),
                         ("POST", f"debates/{slug}/admin/close"), ("GET", f"debates/{slug}/admin/synthese.pdf"),
                         ("GET", f"debates/{slug}/admin/resultats.csv"), ("POST", "debates")]:
        r = hub.service(method, path, me, json={"decision": "approve", "theme": "convention"}
                        if method == "POST" else None)
        assert r.status_code == 403, (path, r.text)
        assert "réservée aux personnes qui animent" in r.json()["error"]
    # the statement still waits: votes on it are refused with a French reason
    r = hub.service("POST", f"debates/{slug}/votes", me, json={"statement": sid, "vote": "agree"})
    assert r.status_code == 400 and "attend encore" in r.json()["error"]
    assert hub.service("POST", f"debates/{slug}/admin/statements/{sid}", tokens["formateur"],
                       json={"decision": "approve"}).status_code == 200
    assert hub.service("POST", f"debates/{slug}/votes", me, json={"statement": sid, "vote": "agree"}).status_code == 200


def test_bad_input_gets_clear_french_errors_and_no_token_gets_403(debate_hub, tokens):
    hub, me = debate_hub, tokens["p002"]
    slug = hub.service("POST", "debates", tokens["formateur"], json={"theme": "convention"}).json()["slug"]
    r = hub.service("POST", f"debates/{slug}/statements", me, json={"text": "x" * 141})
    assert r.status_code == 400 and "le maximum est 140" in r.json()["error"]
    r = hub.service("POST", f"debates/{slug}/votes", me, data=b"pas du json")
    assert r.status_code == 400 and "illisible" in r.json()["error"]
    r = hub.service("POST", f"debates/{slug}/votes", me, json={"statement": "abc", "vote": "agree"})
    assert r.status_code == 400 and "numéro de la phrase" in r.json()["error"]
    assert hub.service("GET", "debates/nexiste-pas", me).status_code == 404
    assert hub.service("GET", "debates", "pas-un-jeton").status_code == 403
    r = hub.service("POST", "debates", tokens["formateur"], json={"theme": "inconnu"})
    assert r.status_code == 400 and "Thème inconnu" in r.json()["error"]


def test_a_flood_of_statements_is_slowed_down(debate_hub, tokens):
    hub, me = debate_hub, tokens["p003"]
    slug = hub.service("POST", "debates", tokens["formateur"], json={"theme": "convention"}).json()["slug"]
    codes = [hub.service("POST", f"debates/{slug}/statements", me, json={"text": f"Proposition numéro {i} à relire."}
                         ).status_code for i in range(7)]
    assert codes[:5] == [201] * 5 and codes[5:] == [429, 429]
    r = hub.service("POST", f"debates/{slug}/statements", me, json={"text": "Encore une proposition de trop."})
    assert "trop vite" in r.json()["error"]


def test_the_hub_config_holds_the_service_once(debate_hub, tokens):
    r = debate_hub.api("GET", "/services", token=tokens["formateur"])  # facilitators are hub admins
    assert r.status_code == 200
    assert list(r.json()).count("debat") == 1
    assert (debate_hub.state_dir / "debat.sqlite").is_file()


def test_the_notebook_client_uses_the_same_api_with_a_participants_token(debate_hub, tokens):
    from civicai.debate.widgets import DebateClient
    from civicai.errors import UserError

    hub = debate_hub
    slug = hub.service("POST", "debates", tokens["formateur"], json={"theme": "01-comment-une-ia-apprend"}).json()["slug"]
    client = DebateClient(url=hub.service_url, token=tokens["p010"])
    assert slug in [d["slug"] for d in client.debates()]
    first = client.debate(slug)["statements"][0]["id"]
    client.vote(slug, first, "agree")
    assert client.debate(slug)["my_votes"] == {str(first): "agree"}
    assert client.propose(slug, "Une phrase écrite depuis un carnet.")["status"] == "pending"
    assert client.opinion_map(slug)["participants"] == 1
    with pytest.raises(UserError, match="trop courte"):
        client.propose(slug, "court")
    with pytest.raises(UserError, match="réservée aux personnes qui animent"):
        client.call("POST", f"debates/{slug}/admin/close", {})
