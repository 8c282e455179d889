"""Parts of module 4 that need no model: the hub wiring, the model setting and its command, the waiting line."""

from __future__ import annotations

import asyncio

import pytest
from traitlets.config import Config

from civicai.cli import main
from civicai.generative import settings
from civicai.generative.hubconfig import configure
from civicai.generative.service import Line


@pytest.fixture
def config_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CIVICAI_CONFIG_DIR", str(tmp_path / "conf"))
    for name in ("CIVICAI_IA_MODELE", "CIVICAI_IA_AMONT"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "conf"


def test_the_service_is_added_once_and_users_and_their_servers_may_use_it(tmp_path, config_dir):
    c = Config()
    c.JupyterHub.services = [{"name": "debat"}]
    configure(c, state_dir=tmp_path)
    configure(c, state_dir=tmp_path)
    assert [s["name"] for s in c.JupyterHub.services] == ["debat", "ia-generative"]
    service = c.JupyterHub.services[1]
    assert service["command"][1:] == ["-m", "civicai.generative.service"]
    assert service["environment"]["CIVICAI_IA_MODELE"] == str(settings.default_model().resolve())
    roles = {r["name"]: r for r in c.JupyterHub.load_roles}
    assert roles["user"]["scopes"].count("access:services!service=ia-generative") == 1
    assert roles["server"]["scopes"].count("access:services!service=ia-generative") == 1
    assert c.Spawner.environment["CIVICAI_IA_URL"] == service["url"] + "/services/ia-generative/"


def test_an_upstream_key_goes_to_the_service_only(tmp_path, config_dir):
    assert main(["donnees", "modele", "--url", "http://10.0.0.5:8080/v1", "--cle", "secret-universite"]) == 0
    c = Config()
    configure(c, state_dir=tmp_path)
    env = c.JupyterHub.services[0]["environment"]
    assert env["CIVICAI_IA_AMONT"] == "http://10.0.0.5:8080/v1/" and env["CIVICAI_IA_AMONT_CLE"] == "secret-universite"
    assert "secret-universite" not in str(c.Spawner.environment)
    assert (config_dir / "modele-ia.json").stat().st_mode & 0o077 == 0


def test_an_upstream_key_set_in_the_environment_reaches_the_service_too(tmp_path, config_dir, monkeypatch):
    """The hub hands its services only the variables it is told: CIVICAI_IA_AMONT_CLE must be among them."""
    monkeypatch.setenv("CIVICAI_IA_AMONT", "http://10.0.0.5:8080/v1/")
    monkeypatch.setenv("CIVICAI_IA_AMONT_CLE", "secret-de-l-environnement")
    c = Config()
    configure(c, state_dir=tmp_path)
    assert c.JupyterHub.services[0]["environment"]["CIVICAI_IA_AMONT_CLE"] == "secret-de-l-environnement"
    assert "secret-de-l-environnement" not in str(c.Spawner.environment)


def test_the_model_command_checks_what_it_is_given(tmp_path, config_dir, capsys):
    not_gguf = tmp_path / "modele.gguf"
    not_gguf.write_text("pas un modèle")
    for args, words in ((["--chemin", str(not_gguf)], "n'est pas un fichier GGUF"),
                        (["--chemin", str(tmp_path / "absent.gguf")], "Fichier introuvable"),
                        (["--url", "10.0.0.5"], "Adresse invalide")):
        assert main(["donnees", "modele", *args]) == 2
        assert words in capsys.readouterr().err
    assert settings.model_setting()["origine"] == "modèle du kit"
    assert main(["donnees", "modele", "--chemin", str(settings.default_model())]) == 0
    assert settings.model_setting()["chemin"] == settings.default_model().resolve()
    assert main(["donnees", "modele", "--par-defaut"]) == 0
    assert "modèle du kit" in capsys.readouterr().out


def test_the_line_serves_in_order_and_tells_each_their_place():
    async def scenario():
        line, order, seen = Line(slots=1), [], {}

        async def person(i):
            async def on_wait(position):
                seen.setdefault(i, position)
            await line.enter(on_wait)
            order.append(i)
            await asyncio.sleep(0.01)
            line.leave()

        await asyncio.gather(*(person(i) for i in range(4)))
        return order, seen, line

    order, seen, line = asyncio.run(scenario())
    assert order == [0, 1, 2, 3]
    assert seen == {1: 1, 2: 2, 3: 3}
    assert line.running == 0 and not line.waiting


def test_a_person_who_leaves_the_line_gives_their_place_back():
    async def scenario():
        line = Line(slots=1)
        await line.enter()
        waiting = asyncio.ensure_future(line.enter())
        await asyncio.sleep(0.01)
        waiting.cancel()
        await asyncio.gather(waiting, return_exceptions=True)
        line.leave()
        return line

    line = asyncio.run(scenario())
    assert line.running == 0 and not line.waiting


def test_the_law_shown_is_module_3s_verified_article_50_with_source_and_date():
    from civicai.generative.lesson import law

    html = law().data
    assert html.count("<li>") == 3 and "article 50, paragraphe 1" in html and "paragraphe 4" in html
    assert "eur-lex.europa.eu/eli/reg/2024/1689/oj" in html and "Vérifié le 1er décembre 2026" in html


def test_temperature_sharpens_or_flattens_the_shown_candidates():
    from civicai.generative.lesson import reweight

    table = [("▁de", 0.5), (",", 0.3), (".", 0.2)]
    cold, hot = reweight(table, 0.2), reweight(table, 2.0)
    assert cold[0][1] > 0.9 > 0.5 > hot[0][1]
    assert abs(sum(p for _, p in hot) - 1) < 1e-9 and [t for t, _ in hot] == ["▁de", ",", "."]


def test_the_cost_of_an_answer_uses_module_5s_sourced_power_and_shows_its_range(monkeypatch):
    """One home for the cost of an answer: module 4's table is module 5's experiment (its power per busy core,
    range included), and the learner reads a table in French, not a dict's repr."""
    from civicai.energy.measure import core_power
    from civicai.generative import client, lesson

    monkeypatch.delenv("CIVICAI_IA_URL", raising=False)
    cost = lesson.cost_of_answer("La médiathèque", max_tokens=8, model=client.connect())
    power, energy = core_power(), cost["energy"]
    assert cost["tokens"] == 8 and energy.joules == pytest.approx(energy.cpu_seconds * power.watts)
    assert energy.low_j < energy.joules < energy.high_j and energy.status in ("mesuré", "estimé")
    table = lesson.cost_table(cost).data
    assert "Énergie (estimé)" in table and "entre" in table and "{" not in table
    assert lesson.room_energy(cost, 600).startswith("Pour la salle, environ ")


def test_the_cpu_meter_gives_a_request_its_own_delta_and_refuses_to_split_a_shared_one():
    """The service's per-request CPU seconds: a request alone gets its delta; two at once get « shared »; a
    server that is not ours (an operator's) gets nothing."""
    import os

    from civicai.generative.service import CpuMeter

    meter = CpuMeter(os.getpid())
    alone = meter.begin()
    sum(i * i for i in range(300_000))
    assert 0 < meter.end(alone) < 5
    first, second = meter.begin(), meter.begin()
    assert meter.end(first) == "shared" and meter.end(second) == "shared"
    assert meter.end(meter.begin()) != "shared"  # the room is empty again
    nobody = CpuMeter(None)
    assert nobody.end(nobody.begin()) is None
