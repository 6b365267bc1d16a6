"""Loading data contracts (``contracts/<domain>/<dataset>.yaml``, or the same documents as JSON) into the plain dicts
``contracts.Contract.from_dict`` takes. YAML needs PyYAML (shipped with AWS Glue 5.0); JSON needs nothing."""

from __future__ import annotations

import json
from typing import Any


def parse_contract(name: str, text: str) -> dict[str, Any]:
    """One contract document; ``name`` (file name or key) picks the parser by its suffix."""
    if name.endswith((".yaml", ".yml")):
        try:
            import yaml
        except ImportError as e:  # pragma: no cover - PyYAML is on Glue 5.0 and in most environments
            raise ValueError(f"{name}: reading YAML contracts needs PyYAML; convert the contract to JSON") from e
        doc = yaml.safe_load(text)
    elif name.endswith(".json"):
        doc = json.loads(text)
    else:
        raise ValueError(f"{name}: a contract file ends with .yaml, .yml or .json")
    if not isinstance(doc, dict):
        raise ValueError(f"{name}: a contract is a mapping with domain, dataset, schema and classification")
    return doc


def active(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Contracts in force: withdrawn ones (``status: withdrawn``) are not enforced."""
    return [d for d in docs if d.get("status", "active") != "withdrawn"]
