"""deploy/kubernetes/values.yaml: generated from the settings, valid against the zero-to-jupyterhub chart (JupyterHub 5.5)."""

from __future__ import annotations

import copy
import dataclasses
import json
import os
import re
import subprocess
import sys

import pytest

from civicai.cluster import capacity
from civicai.cluster.kubernetes import check_file, coalesce, default_chart_dir, load_yaml, validation_errors
from civicai.cluster.kubevalues import render
from civicai.cluster.kubevalues import values as values_for
from civicai.settings import FACILITATORS_GROUP, Settings
from testkit import REPO

K8S = REPO / "deploy" / "kubernetes"


@pytest.fixture(scope="module")
def chart():
    d = default_chart_dir()
    if not (d / "values.schema.yaml").is_file() or not (d / "values.yaml").is_file():
        pytest.skip(f"the chart's values.yaml and values.schema.yaml are not in {d} (../shared/schemas/z2jh)")
    return d


@pytest.fixture
def values():
    return load_yaml(K8S / "values.yaml")


def test_helm_merge_rules():
    """Maps merge key by key, lists and scalars are replaced, null removes a default."""
    defaults = {"a": {"x": 1, "y": [1, 2]}, "b": 2, "c": {"z": 3}}
    merged = coalesce(defaults, {"a": {"y": [9]}, "b": None, "c": {"w": 4}})
    assert merged == {"a": {"x": 1, "y": [9]}, "c": {"z": 3, "w": 4}}
    assert defaults == {"a": {"x": 1, "y": [1, 2]}, "b": 2, "c": {"z": 3}}  # untouched


def test_our_values_merged_over_the_chart_defaults_are_valid(chart, values):
    assert validation_errors(values, chart) == []


@pytest.mark.parametrize("where, wrong", [
    (("singleuser",), ("memory", "memroy")),
    (("cull",), ("timeout", "timout")),
    (("singleuser", "lifecycleHooks"), ("postStart", "postStrat")),
    (("singleuser", "storage"), ("extraVolumes", "extraVolume")),
])
def test_a_misspelt_key_fails_validation(chart, values, where, wrong):
    broken = copy.deepcopy(values)
    node = broken
    for key in where:
        node = node[key]
    good, bad = wrong
    node[bad] = node.pop(good)
    errors = validation_errors(broken, chart)
    assert any(bad in e for e in errors), errors


def test_a_value_of_the_wrong_type_fails_validation(chart, values):
    broken = copy.deepcopy(values)
    broken["cull"]["enabled"] = "oui"
    assert any(e.startswith("cull.enabled") for e in validation_errors(broken, chart))


def test_the_check_command_reports_errors_and_exit_code(chart, values, tmp_path, capsys):
    from civicai.cli import main

    assert main(["kubernetes", "verifier", str(K8S / "values.yaml"), "--paquet", str(chart)]) == 0
    assert "conforme" in capsys.readouterr().out
    broken = copy.deepcopy(values)
    broken["singleuser"]["profilList"] = broken["singleuser"].pop("profileList")
    path = tmp_path / "values.yaml"
    path.write_text(json.dumps(broken))  # JSON is YAML
    assert main(["kubernetes", "verifier", str(path), "--paquet", str(chart)]) == 1
    assert "profilList" in capsys.readouterr().err
    assert check_file(path, chart) == 1  # the developers' entry point, python -m civicai.cluster.kubernetes


def _defaults(**changes) -> Settings:
    return dataclasses.replace(Settings.load({"CIVICAI_KIT_ROOT": str(REPO)}), **changes)


def test_the_committed_values_are_the_ones_the_kit_writes(capsys, monkeypatch):
    """values.yaml is generated: `civicai kubernetes valeurs` with the default settings writes it byte for byte."""
    for name in [k for k in os.environ if k.startswith("CIVICAI_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("CIVICAI_KIT_ROOT", str(REPO))
    from civicai.cli import main

    assert main(["kubernetes", "valeurs"]) == 0
    written = capsys.readouterr().out
    assert written == render(_defaults()) == (K8S / "values.yaml").read_text(), (
        "regenerate it: civicai kubernetes valeurs > " + str(K8S / "values.yaml"))


def test_the_values_follow_the_settings_and_the_hub_configuration(chart):
    """Change a setting: the service's address, the notebooks' URL and the network rule follow it."""
    from civicai.debate import hubconfig

    v = values_for(_defaults(debate_port=8123))
    assert v["hub"]["services"][hubconfig.SERVICE]["url"].endswith(":8123")
    assert v["singleuser"]["extraEnv"]["CIVICAI_DEBAT_URL"].startswith("http://civicai-debat:8123/")
    assert v["singleuser"]["networkPolicy"]["egress"][0]["ports"][0]["port"] == 8123
    assert validation_errors(v, chart) == []
    oauth = v["hub"]["config"]["GenericOAuthenticator"]
    assert oauth["admin_groups"] == [FACILITATORS_GROUP] and FACILITATORS_GROUP in v["hub"]["loadRoles"]
    # the roles are the ones the hub configuration gives on one machine
    assert v["hub"]["loadRoles"][hubconfig.SERVICE_ROLE]["services"] == [hubconfig.SERVICE]
    assert hubconfig.ACCESS in v["hub"]["loadRoles"]["user"]["scopes"]


def _mb(quantity: str) -> int:
    """KubeSpawner's byte specification: K, M, G, T are powers of 1024; here in MiB."""
    number, unit = re.fullmatch(r"([\d.]+)([KMGT]?)", str(quantity)).groups()
    return int(float(number) * {"K": 1 / 1024, "M": 1, "G": 1024, "T": 1024 ** 2, "": 1 / 1024 ** 2}[unit])


def test_memory_requests_and_limits_are_the_measured_figures(values):
    """Defaults and the atelier/classe profiles follow civicai.cluster.capacity (from the benchmark)."""
    su = values["singleuser"]
    assert _mb(su["memory"]["guarantee"]) == capacity.request_mb(kernels=1)
    assert _mb(su["memory"]["limit"]) == capacity.limit_mb(kernels=1)
    profiles = {p["slug"]: p["kubespawner_override"] for p in su["profileList"]}
    assert list(profiles) == ["atelier", "classe", "calcul"]
    for slug, kernels in (("atelier", 1), ("classe", 2)):
        assert _mb(profiles[slug]["mem_guarantee"]) == capacity.request_mb(kernels=kernels), slug
        assert _mb(profiles[slug]["mem_limit"]) == capacity.limit_mb(kernels=kernels), slug
    assert _mb(profiles["calcul"]["mem_limit"]) > _mb(profiles["classe"]["mem_limit"])
    for p in profiles.values():
        assert _mb(p["mem_guarantee"]) <= _mb(p["mem_limit"])
    assert sum(bool(p.get("default")) for p in su["profileList"]) == 1


def test_kernels_and_servers_are_culled(values):
    assert values["cull"]["enabled"] is True and values["cull"]["timeout"] > 0
    files = values["singleuser"]["extraFiles"]
    kernels = next(f["data"]["MappingKernelManager"] for f in files.values()
                   if "MappingKernelManager" in f.get("data", {}))
    assert kernels["cull_idle_timeout"] > 0 and kernels["cull_interval"] > 0
    assert next(f for f in files.values() if "MappingKernelManager" in f.get("data", {}))["mountPath"].endswith(
        "jupyter_server_config.json")


def test_homes_persist_and_the_nbgrader_exchange_is_shared(values):
    storage = values["singleuser"]["storage"]
    assert storage["type"] in ("dynamic", "static") and storage["homeMountPath"] == "/home/jovyan"
    mount = next(m for m in storage["extraVolumeMounts"] if m["name"] == "nbgrader-exchange")
    volume = next(v for v in storage["extraVolumes"] if v["name"] == "nbgrader-exchange")
    pvc = load_yaml(K8S / "nbgrader-exchange-pvc.yaml")
    assert volume["persistentVolumeClaim"]["claimName"] == pvc["metadata"]["name"]
    assert pvc["spec"]["accessModes"] == ["ReadWriteMany"]
    exchange = next(f["data"]["Exchange"] for f in values["singleuser"]["extraFiles"].values()
                    if "Exchange" in f.get("data", {}))
    assert exchange["root"] == mount["mountPath"]


def test_university_login_and_french_interface(values):
    cfg = values["hub"]["config"]
    assert cfg["JupyterHub"]["authenticator_class"] in ("generic-oauth", "ltiauthenticator.lti13.auth.LTI13Authenticator")
    oauth = cfg["GenericOAuthenticator"]
    assert oauth["admin_groups"] and set(oauth["admin_groups"]) <= set(oauth["allowed_groups"])
    assert values["singleuser"]["extraEnv"]["LANG"].startswith("fr_FR")
    assert values["singleuser"]["defaultUrl"] == "/lab/tree/modules"


@pytest.mark.slow  # starts the hook's command
def test_the_poststart_hook_really_delivers_the_modules(values, tmp_path):
    """Run the hook's command with this checkout's paths in place of the image's."""
    cmd = values["singleuser"]["lifecycleHooks"]["postStart"]["exec"]["command"]
    assert cmd[0] == "/opt/venv/bin/python"
    home = tmp_path / "home"
    local = [sys.executable] + [part.replace("/opt/civicai", str(REPO)).replace("/home/jovyan", str(home))
                                for part in cmd[1:]]
    subprocess.run(local, check=True, timeout=60, capture_output=True)
    expected = {p.relative_to(REPO / "modules") for p in (REPO / "modules").rglob("*")
                if p.is_file() and not {".ipynb_checkpoints", "__pycache__"} & set(p.parts)}
    delivered = {p.relative_to(home / "modules") for p in (home / "modules").rglob("*") if p.is_file()}
    assert expected and expected <= delivered


def test_the_image_paths_used_by_the_values_are_the_dockerfiles(values):
    """The values point at /opt/civicai and /opt/venv: the Dockerfile must put them there."""
    dockerfile = (K8S / "Dockerfile").read_text()
    assert "CIVICAI_KIT_ROOT=/opt/civicai" in dockerfile and "/opt/venv" in dockerfile
    assert "download.pytorch.org/whl/cpu" in dockerfile and "torch==2.13.0" in dockerfile
    assert values["singleuser"]["extraEnv"]["CIVICAI_KIT_ROOT"] == "/opt/civicai"
    hub_dockerfile = (K8S / "Dockerfile.hub").read_text()
    assert values["hub"]["config"]["JupyterHub"]["template_paths"][0] in hub_dockerfile


def test_every_per_user_path_is_in_the_home_as_on_one_machine(values):
    from civicai.hub.userenv import per_user_env

    home = values["singleuser"]["storage"]["homeMountPath"]
    expected = {k: v for k, v in per_user_env(home).items() if k != "HOME"}  # the image sets HOME
    extra = values["singleuser"]["extraEnv"]
    assert {k: extra.get(k) for k in expected} == expected


def test_each_pod_runs_its_own_kernel_template_unless_turned_off(values):
    """The pod's server starts its template (civicai/kernels/job.py); its memory is in the request; the
    profiles' labels give the limit actually set."""
    assert values["singleuser"]["extraEnv"]["CIVICAI_NOYAUX_PAR_TACHE"] == "1"
    assert "CIVICAI_NOYAUX_PAR_TACHE" not in values_for(_defaults(kernel_templates=False))["singleuser"]["extraEnv"]
    assert capacity.request_mb(kernels=1) > capacity.MEASURED.server_rss_mb + capacity.JOB_TEMPLATE_RSS_MB
    for p in values["singleuser"]["profileList"][:2]:
        limit = _mb(p["kubespawner_override"]["mem_limit"])
        assert f"{capacity.gigabytes(limit)} Go)" in p["display_name"]
