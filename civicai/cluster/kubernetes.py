"""Check the kit's zero-to-jupyterhub values offline, the way ``helm`` does before rendering.

helm coalesces the user's values over the chart's defaults (maps merged key by key, lists and
scalars replaced, ``null`` deleting a default) and validates the result against the chart's
``values.schema.json``. The chart's defaults and schema for JupyterHub 5.5 are kept in
``../shared/schemas/z2jh/`` (see its SOURCE.md); pass ``--chart`` to use others.

    civicai kubernetes verifier deploy/kubernetes/values.yaml   (or python -m civicai.cluster.kubernetes)
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

import yaml

from civicai.paths import deploy_dir, kit_root


def default_chart_dir() -> Path:
    return kit_root().parent / "shared" / "schemas" / "z2jh"


def default_values_file() -> Path:
    return deploy_dir() / "kubernetes" / "values.yaml"


def coalesce(defaults: dict, override: dict) -> dict:
    """helm's merge of ``override`` over ``defaults`` (a new dict; inputs untouched)."""
    out = copy.deepcopy(defaults)
    for key, value in override.items():
        if value is None:
            out.pop(key, None)  # helm: a null removes the chart's default
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = coalesce(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def load_yaml(path: Path) -> dict:
    return yaml.safe_load(Path(path).read_text()) or {}


def validation_errors(values: dict, chart_dir: Path | None = None) -> list[str]:
    """Errors of ``values`` merged over the chart's defaults, as ``path: message`` lines."""
    import jsonschema

    chart_dir = Path(chart_dir or default_chart_dir())
    schema = load_yaml(chart_dir / "values.schema.yaml")
    merged = coalesce(load_yaml(chart_dir / "values.yaml"), values)
    validator = jsonschema.Draft7Validator(schema)
    return [f"{'.'.join(str(p) for p in e.absolute_path) or '(top)'}: {e.message}"
            for e in sorted(validator.iter_errors(merged), key=lambda e: list(map(str, e.absolute_path)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Validate zero-to-jupyterhub values like helm does.")
    parser.add_argument("values", nargs="?", type=Path, default=None, help="values file (default: the kit's)")
    parser.add_argument("--chart", type=Path, default=None, help="folder with the chart's values.yaml "
                        "and values.schema.yaml (default: ../shared/schemas/z2jh)")
    args = parser.parse_args(argv)
    return check_file(args.values, args.chart)


def check_file(path: Path | None, chart: Path | None, ok: str = "{path}: valid against the chart's schema",
               error: str = "{path}: {line}") -> int:
    """Print the errors of the values file ``path`` (default: the kit's) on stderr; 1 if any, else 0."""
    path = path or default_values_file()
    errors = validation_errors(load_yaml(path), chart)
    for line in errors:
        print(error.format(path=path, line=line), file=sys.stderr)
    if not errors:
        print(ok.format(path=path))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
