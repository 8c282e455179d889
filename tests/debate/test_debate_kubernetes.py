"""The debate service on Kubernetes: its pod (deploy/kubernetes/debat.yaml) and the chart's values agree with each
other and with the one-machine wiring (civicai/debate/hubconfig.py); the pod's command really starts the service."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
import yaml
from traitlets.config import Config

from civicai.cluster.kubernetes import validation_errors
from civicai.debate import hubconfig
from civicai.paths import deploy_dir
from testkit import first_answer


@pytest.fixture(scope="module")
def values():
    return yaml.safe_load((deploy_dir() / "kubernetes" / "values.yaml").read_text())


@pytest.fixture(scope="module")
def manifests():
    docs = list(yaml.safe_load_all((deploy_dir() / "kubernetes" / "debat.yaml").read_text()))
    return {d["kind"]: d for d in docs}


def _container(manifests) -> dict:
    return manifests["Deployment"]["spec"]["template"]["spec"]["containers"][0]


def _env(manifests) -> dict:
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in _container(manifests)["env"]}


def test_the_registered_service_is_the_pods_service_and_notebooks_are_told_its_address(values, manifests):
    service = manifests["Service"]
    port = service["spec"]["ports"][0]["port"]
    url = f"http://{service['metadata']['name']}:{port}"
    assert values["hub"]["services"][hubconfig.SERVICE]["url"] == url
    assert values["singleuser"]["extraEnv"]["CIVICAI_DEBAT_URL"] == f"{url}/services/{hubconfig.SERVICE}/"
    assert _container(manifests)["ports"][0]["containerPort"] == service["spec"]["ports"][0]["targetPort"]
    labels = manifests["Deployment"]["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    # the participants' servers may open that port, and nothing else private
    egress = values["singleuser"]["networkPolicy"]["egress"]
    assert any(rule["to"][0]["podSelector"]["matchLabels"].items() <= labels.items()
               and rule["ports"][0]["port"] == port for rule in egress)
    assert values["singleuser"]["networkPolicy"]["egressAllowRules"]["nonPrivateIPs"] is False
    # and the service's pod may call the hub's API (the chart's hub network policy admits this label)
    assert labels["hub.jupyter.org/network-access-hub"] == "true"
    assert validation_errors(values) == []


def test_roles_are_the_one_machine_roles(values, tmp_path):
    c = Config()
    hubconfig.configure(c, state_dir=tmp_path)
    expected = {r["name"]: sorted(r["scopes"]) for r in c.JupyterHub.load_roles}
    ours = values["hub"]["loadRoles"]
    for name in ("user", "server", hubconfig.SERVICE_ROLE):
        assert sorted(ours[name]["scopes"]) == expected[name], name
    assert ours[hubconfig.SERVICE_ROLE]["services"] == [hubconfig.SERVICE]


def test_the_pod_gets_the_charts_token_for_the_service_and_keeps_its_data(manifests):
    env = _env(manifests)
    assert env["JUPYTERHUB_API_TOKEN"]["secretKeyRef"] == {"name": "hub",
                                                          "key": f"hub.services.{hubconfig.SERVICE}.apiToken"}
    assert env["JUPYTERHUB_SERVICE_PREFIX"] == f"/services/{hubconfig.SERVICE}/"
    assert env["JUPYTERHUB_CLIENT_ID"] == f"service-{hubconfig.SERVICE}"
    mount = _container(manifests)["volumeMounts"][0]["mountPath"]
    assert os.path.dirname(env["CIVICAI_DEBAT_DB"]) == mount
    claim = manifests["Deployment"]["spec"]["template"]["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"]
    assert claim == manifests["PersistentVolumeClaim"]["metadata"]["name"]
    assert manifests["Deployment"]["spec"]["replicas"] == 1  # one SQLite file, one writer


@pytest.mark.slow
def test_the_pods_command_and_environment_really_start_the_service(manifests, tmp_path):
    """The container's command with its environment (addresses moved to the loopback, the file to tmp_path)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in _env(manifests).items() if isinstance(v, str)}
    env.update(JUPYTERHUB_API_TOKEN="jeton-de-test", JUPYTERHUB_API_URL="http://127.0.0.1:9/hub/api",
               JUPYTERHUB_SERVICE_URL=f"http://127.0.0.1:{port}", CIVICAI_DEBAT_DB=str(tmp_path / "debat.sqlite"),
               CIVICAI_KIT_ROOT=os.environ.get("CIVICAI_KIT_ROOT", str(deploy_dir().parent)), PATH=os.environ["PATH"])
    command = [sys.executable, *_container(manifests)["command"][1:]]
    proc = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        r = first_answer(f"http://127.0.0.1:{port}/services/debat/api/debates", proc)
        assert r.status_code == 403 and "Connectez-vous" in r.json()["error"]
        assert (tmp_path / "debat.sqlite").exists()
    finally:
        proc.terminate()
        proc.wait(10)
