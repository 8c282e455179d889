"""Shared by the contract tests: the kiosk must refuse to start when an adapter's check fails."""

from __future__ import annotations

from pathlib import Path

from civicai.cli import main

FIXTURE_DEMOS = Path(__file__).resolve().parents[1] / "kiosk" / "fixtures" / "demos" / "demos.yaml"


def kiosk_refuses(capsys, tested: str) -> str:
    """Run ``civicai kiosque`` in-process (the checks come first: no server starts); return stderr."""
    code = main(["kiosque", "--demos", str(FIXTURE_DEMOS), "--port", "1"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "la borne refuse de démarrer" in err and tested in err, err
    return err
