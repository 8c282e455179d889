"""Run code in one kernel started through the shared-kernel provisioner, as whoever runs this script.

The tests run it as a participant's account (the template trusts only the caller's credentials), the way a
participant's Jupyter server would start a kernel: ``python kernel_client.py REQUEST_JSON`` prints a JSON
answer: was it forked, from which flavour, its pid, and each code's text output (or error).
"""

from __future__ import annotations

import json
import os
import queue
import signal
import sys
import time


def run(kc, code: str, timeout: float = 120) -> str:
    msg_id = kc.execute(code)
    out, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            msg = kc.get_iopub_msg(timeout=1)
        except queue.Empty:
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            out.append(content["text"])
        elif kind == "execute_result":
            out.append(content["data"].get("text/plain", ""))
        elif kind == "error":
            out.append(f"{content['ename']}: {content['evalue']}")
        elif kind == "status" and content["execution_state"] == "idle":
            _reply(kc, msg_id)
            return "".join(out).strip()
    return "TIMEOUT"


def _reply(kc, msg_id: str) -> dict:
    while True:
        reply = kc.get_shell_msg(timeout=30)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply


def main(request: dict) -> dict:
    from jupyter_client.manager import KernelManager

    from civicai.kernels.provisioner import SharedKernelSpecManager
    from kerneltools import alive

    if request.get("folder") is not None:
        os.environ["CIVICAI_NOYAUX"] = request["folder"]
    km = KernelManager(kernel_spec_manager=SharedKernelSpecManager(), kernel_name="python3")
    env = {**os.environ, "JPY_SESSION_NAME": request.get("notebook", "")}
    km.start_kernel(cwd=request.get("cwd") or os.getcwd(), env=env)
    answer = {"forked": km.provisioner.forked, "flavour": km.provisioner.flavour, "pid": km.provisioner.pid,
              "fallback": km.provisioner.fallback, "results": []}
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)
        for step in request["steps"]:
            if step == "!interrupt":  # a long cell, interrupted as JupyterLab does (SIGINT to the group)
                msg_id = kc.execute("import time; time.sleep(60)")
                time.sleep(1.5)
                t0 = time.monotonic()
                km.interrupt_kernel()
                reply = _reply(kc, msg_id)
                answer["results"].append(f"{reply['content'].get('ename')} after {time.monotonic() - t0:.1f} s")
            elif step == "!restart":
                old = km.provisioner.pid
                km.restart_kernel(now=False)
                kc.wait_for_ready(timeout=120)
                answer["results"].append({"old": old, "new": km.provisioner.pid, "forked": km.provisioner.forked,
                                          "old_alive": alive(old)})
            else:
                answer["results"].append(run(kc, step))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    answer["gone_after_shutdown"] = not alive(answer["pid"])
    return answer


if __name__ == "__main__":
    signal.alarm(300)
    print(json.dumps(main(json.loads(sys.argv[1]))))
