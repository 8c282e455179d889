"""Does every learner notebook of modules 1 to 4 ask for a guess before a result, give every numbered
question an answer box, and show the saved answers again when it runs?"""

from __future__ import annotations

import json
import re
import shutil

import nbformat
import pytest

from testkit import FAIRFACE_SAMPLE, REPO, execute_notebook

LEARNER = sorted(p for p in REPO.glob("modules/0[1234]-*/0*.ipynb"))
ALL = sorted(REPO.glob("modules/*/*.ipynb")) + sorted(REPO.glob("exercises/source/*/*.ipynb"))
IDS = [str(p.relative_to(REPO / "modules")) for p in LEARNER]
QUESTION = re.compile(r"\*\*Question (\d+)\.(\d+)\.\*\*")
PREDICTION = re.compile(r"\*\*Prédiction (M\d+-P\d+)\.\*\*")
CALL = re.compile(r'sheet\.(question|predict|reveal)\("(M\d+-[QP]\d+)"')
REPR = re.compile(r"^<[\w.]+[ :].*>$|object at 0x")
ENV = {"CIVICAI_FAIRFACE_DIR": str(FAIRFACE_SAMPLE)} if FAIRFACE_SAMPLE.is_dir() else {}


def module_number(path) -> int:
    return int(path.parent.name[:2])


def steps(path):
    """(kind, id) in cell order: markdown questions and predictions, and the sheet's calls."""
    out = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "markdown":
            out += [("md-question", f"M{m}-Q{n}") for m, n in QUESTION.findall(cell.source)]
            out += [("md-predict", i) for i in PREDICTION.findall(cell.source)]
        else:
            out += [(kind, i) for kind, i in CALL.findall(cell.source)]
    return out


def test_the_learner_notebooks_are_found():
    assert len(LEARNER) == 17


@pytest.mark.parametrize("path", LEARNER, ids=IDS)
def test_every_question_has_its_box_right_under_it(path):
    found = steps(path)
    for k, (kind, qid) in enumerate(found):
        if kind == "md-question":
            assert found[k + 1] == ("question", qid), f"{qid}: no sheet.question({qid!r}) right under it"
            assert qid.startswith(f"M{module_number(path)}-"), f"{qid} is numbered for another module"
    assert sum(kind == "question" for kind, _ in found) == sum(kind == "md-question" for kind, _ in found)


@pytest.mark.parametrize("path", LEARNER, ids=IDS)
def test_there_is_a_prediction_before_its_reveal(path):
    found = steps(path)
    predictions = [qid for kind, qid in found if kind == "predict"]
    assert predictions, "no prediction step in this notebook"
    for qid in predictions:
        order = [kind for kind, i in found if i == qid]
        assert order == ["md-predict", "predict", "reveal"], f"{qid}: {order}"
    setup = nbformat.read(path, as_version=4).cells
    assert any(f'AnswerSheet("{path.name}")' in c.source for c in setup if c.cell_type == "code")


def test_question_ids_are_unique_across_the_kit():
    seen = {}
    for path in ALL:
        for kind, qid in steps(path):
            if kind in ("question", "predict"):
                assert qid not in seen, f"{qid} in {path.name} and in {seen[qid]}"
                seen[qid] = path.name
    assert {q for q in seen if "-Q" in q} >= {f"M{m}-Q{n}" for m, last in ((1, 9), (2, 11), (3, 10), (4, 7))
                                                for n in range(1, last + 1)}


def answers_for(path) -> dict:
    """A sidecar as a learner who answered everything would leave it."""
    answers = {}
    for kind, qid in steps(path):
        if kind == "question":
            answers[qid] = {"kind": "text", "value": f"Ma réponse à {qid} <b>", "saved_at": "2026-12-02T03:00:00"}
        if kind == "predict":
            source = next(c.source for c in nbformat.read(path, as_version=4).cells if f'predict("{qid}"' in c.source)
            options = re.search(r'options=\["([^"]+)"', source)
            value = options.group(1) if options else 1.0
            answers[qid] = {"kind": "choice" if options else "number", "value": value,
                            "saved_at": "2026-12-02T03:00:00"}
    return answers


@pytest.mark.slow
@pytest.mark.parametrize("path", LEARNER, ids=IDS)
def test_saved_answers_come_back_when_the_notebook_runs(path, tmp_path, monkeypatch):
    """Run a copy whose sidecar holds an answer to everything: each box and each reveal shows it."""
    monkeypatch.delenv("CIVICAI_SALLE_URL", raising=False)
    folder = tmp_path / path.parent.name
    shutil.copytree(path.parent, folder, ignore=shutil.ignore_patterns(".*.reponses.json*"))
    answers = answers_for(path)
    sidecar = folder / f".{path.stem}.reponses.json"
    sidecar.write_text(json.dumps({"module": folder.name, "notebook": path.name, "reponses": answers}))
    run = execute_notebook(folder / path.name, env=ENV)
    text = run.text()
    for qid, entry in answers.items():
        if entry["kind"] == "text":
            assert f"Votre réponse à {qid} :</b> « Ma réponse à {qid} &lt;b&gt; »" in text
    n_reveals = sum(kind == "reveal" for kind, _ in steps(path))
    assert text.count("Votre prédiction : <b>") == n_reveals
    assert "pas validé de prédiction" not in text
    assert json.loads(sidecar.read_text())["reponses"] == answers, "running the notebook changed the answers"


@pytest.mark.slow
@pytest.mark.parametrize("path", LEARNER, ids=IDS)
def test_a_plain_run_prints_no_technical_repr_and_reveals_without_a_guess(path):
    """The run of tests/test_notebooks.py (cached): no `<Axes: ...>` line, and the reveal says no guess was made."""
    run = execute_notebook(path, env=ENV)
    for cell in run.nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            plain = data.get("text/plain", "") if set(data) == {"text/plain"} else ""
            assert not REPR.search(plain.strip()), f"a cell prints a technical repr: {plain[:80]}"
    assert "pas validé de prédiction" in run.text()
    assert not list(path.parent.glob(f".{path.stem}.reponses.json")), "a run without clicks wrote answers"


@pytest.mark.parametrize("folder", sorted({p.parent for p in LEARNER}), ids=lambda p: p.name)
def test_readme_and_guide_give_the_ranges_the_notebooks_have(folder):
    found = [s for p in sorted(folder.glob("0*.ipynb")) for s in steps(p)]
    m = int(folder.name[:2])
    last_q = max(int(q.split("Q")[1]) for kind, q in found if kind == "question")
    last_p = max(int(q.split("P")[1]) for kind, q in found if kind == "predict")
    for doc in ("README.md", "guide-animation.md"):
        text = (folder / doc).read_text()
        assert f"M{m}-Q1 à M{m}-Q{last_q}" in text and f"M{m}-P1 à M{m}-P{last_p}" in text, doc


def _names(source: str, ctx) -> set[str]:
    import ast

    return {n.id for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Name) and isinstance(n.ctx, ctx)}


@pytest.mark.parametrize("path", LEARNER, ids=IDS)
def test_skipping_the_optional_cells_breaks_no_essential_cell(path):
    """An optional cell may be skipped: no essential cell after it may read a name only it defines."""
    import ast

    essential_defs, optional_only = set(), set()
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        optional = "optional" in cell.metadata.get("tags", [])
        defined = _names(cell.source, ast.Store)
        if optional:
            optional_only |= defined - essential_defs
        else:
            used = _names(cell.source, ast.Load) - defined
            assert not used & optional_only, f"essential cell reads {used & optional_only} from an optional cell"
            essential_defs |= defined
            optional_only -= defined


@pytest.mark.parametrize("path", [p for p in LEARNER if module_number(p) in (2, 3)],
                         ids=[i for p, i in zip(LEARNER, IDS) if module_number(p) in (2, 3)])
def test_optional_text_tells_the_learner_it_is_optional(path):
    """The essential path skips `optional` cells: the learner reads « Pour aller plus loin (facultatif) » there."""
    cells = nbformat.read(path, as_version=4).cells
    optional_text = [c for c in cells if c.cell_type == "markdown" and "optional" in c.metadata.get("tags", [])]
    assert optional_text, "no optional part: the facilitator's guide and README list one per notebook"
    for cell in optional_text:
        assert "Pour aller plus loin (facultatif)" in cell.source, cell.source[:80]
    for cell in cells:
        if "Pour aller plus loin (facultatif)" in cell.source:
            assert "optional" in cell.metadata.get("tags", []), f"said optional but counted: {cell.source[:80]}"
