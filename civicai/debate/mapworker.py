"""The opinion map computed in a child process of the debate service, so that votes never wait behind it.

In a thread of the service, the map (NumPy, scikit-learn and the Python around them) holds the
interpreter for part of its time: a vote arriving meanwhile waits. The child gets one request per line
on its standard input (JSON: the votes and the statements) and answers one line on its standard output
(JSON: the summary and the pseudonyms in the order of its points). It ends when its input closes, so it
never outlives the service. If it dies, the next request starts another.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading

from civicai import procs


class MapWorker:
    """The service's side: ``compute`` blocks (call it from a worker thread); one request at a time."""

    def __init__(self):
        self.proc: subprocess.Popen | None = None
        self.lock = threading.Lock()

    def start(self) -> subprocess.Popen:
        if self.proc is None or self.proc.poll() is not None:
            self.proc = subprocess.Popen([sys.executable, "-m", "civicai.debate.mapworker"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, text=True, encoding="utf-8")
        return self.proc

    def compute(self, votes: list, texts: dict[int, str]) -> tuple[dict, list]:
        request = json.dumps({"votes": [list(v) for v in votes], "texts": list(texts.items())}) + "\n"
        with self.lock:
            for attempt in (1, 2):  # a worker that died (killed, out of memory) is replaced once
                proc = self.start()
                try:
                    proc.stdin.write(request)
                    proc.stdin.flush()
                    line = proc.stdout.readline()
                except (BrokenPipeError, OSError):
                    line = ""
                if line:
                    answer = json.loads(line)
                    if "error" in answer:
                        raise RuntimeError(f"map worker: {answer['error']}")
                    return answer["summary"], answer["placed"]
                self.close()
        raise RuntimeError("the map worker did not answer")

    def close(self) -> None:
        if self.proc is not None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
            procs.stop(self.proc, 5, terminate=False)  # it ends once its input is closed
            self.proc = None


def main() -> None:
    import sklearn.cluster  # noqa: F401 (imported before the first request, not during it)
    import sklearn.decomposition  # noqa: F401
    import sklearn.metrics  # noqa: F401

    from civicai.debate.summary import placed_summary

    for line in sys.stdin:
        request = json.loads(line)
        votes = [tuple(v) for v in request["votes"]]
        try:
            summary, placed = placed_summary(votes, {int(k): t for k, t in request["texts"]})
            answer = {"summary": summary, "placed": placed}
        except Exception as exc:  # noqa: BLE001 (reported to the service, which answers 500)
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
