"""Job arguments the Glue entry points read as JSON: one way to parse them and to name a bad one."""

from __future__ import annotations

import json


def json_argument(args: dict[str, str], name: str, expected: str) -> object | None:
    """The JSON value of ``--<name>`` in ``args`` (None when absent or empty); text that is not JSON raises a
    ``ValueError`` naming the argument, where the text goes wrong and ``expected``."""
    text = args.get(name)
    if not text:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"--{name} is not JSON ({e.msg} at character {e.pos}): expected {expected}") from None
