"""OpenLineage run events of the Glue jobs, as the platform's lineage writer accepts them.

The contract is ``model/lineage.ts``: an EventBridge event with source ``cdp.lineage`` and detail-type
``OpenLineage RunEvent`` whose detail is one OpenLineage RunEvent. A job emits START when it begins and COMPLETE
(with its inputs and outputs) or FAIL (with the error) when it ends, all with the same ``run_id``; the writer upserts
them into the Neptune lineage graph, so sending an event twice is harmless.

``run_event`` builds the detail, ``put_events_entry`` the ``PutEvents`` entry (send it with boto3's
``events.put_events(Entries=[...])``). tests/lineage-python.test.ts checks the events validate against the TypeScript
contract.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

#: EventBridge ``source`` of lineage events.
LINEAGE_EVENT_SOURCE = "cdp.lineage"
#: EventBridge ``detail-type`` of lineage events.
LINEAGE_DETAIL_TYPE = "OpenLineage RunEvent"
#: The OpenLineage spec the events follow.
OPENLINEAGE_SCHEMA_URL = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"
RUN_EVENT_TYPES = ("START", "RUNNING", "COMPLETE", "FAIL", "ABORT")


def new_run_id() -> str:
    """A run id (UUID) for one execution of a job."""
    return str(uuid.uuid4())


def dataset(namespace: str, name: str, facets: dict[str, Any] | None = None) -> dict[str, Any]:
    """A dataset: ``namespace`` where it lives (``s3://<bucket>``, ``glue://<account>``), ``name`` its path or table."""
    out: dict[str, Any] = {"namespace": namespace, "name": name}
    if facets:
        out["facets"] = facets
    return out


def run_event(
    event_type: str,
    run_id: str,
    job_namespace: str,
    job_name: str,
    *,
    producer: str,
    inputs: list[dict[str, Any]] | None = None,
    outputs: list[dict[str, Any]] | None = None,
    error_message: str | None = None,
    event_time: datetime | None = None,
) -> dict[str, Any]:
    """One RunEvent; ``error_message`` (FAIL) becomes the ``errorMessage`` run facet."""
    if event_type not in RUN_EVENT_TYPES:
        raise ValueError(f"event_type must be one of {', '.join(RUN_EVENT_TYPES)}, got {event_type!r}")
    when = (event_time or datetime.now(UTC)).astimezone(UTC)
    run: dict[str, Any] = {"runId": run_id}
    if error_message is not None:
        run["facets"] = {
            "errorMessage": {
                "_producer": producer,
                "_schemaURL": "https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json",
                "message": error_message,
                "programmingLanguage": "python",
            }
        }
    return {
        "eventType": event_type,
        "eventTime": when.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "run": run,
        "job": {"namespace": job_namespace, "name": job_name},
        "inputs": inputs or [],
        "outputs": outputs or [],
        "producer": producer,
        "schemaURL": OPENLINEAGE_SCHEMA_URL,
    }


def put_events_entry(event: dict[str, Any], event_bus_name: str | None = None) -> dict[str, str]:
    """The ``PutEvents`` entry carrying ``event``."""
    entry = {"Source": LINEAGE_EVENT_SOURCE, "DetailType": LINEAGE_DETAIL_TYPE, "Detail": json.dumps(event)}
    if event_bus_name:
        entry["EventBusName"] = event_bus_name
    return entry
