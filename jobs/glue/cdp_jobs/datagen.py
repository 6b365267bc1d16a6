"""Synthetic raw-zone data in the hub's layout, for the benchmark (and usable by a local demo).

Customers arrive on the stream path (hub records as the preprocessing Lambda writes them), orders and payments as
domain change envelopes through EventBridge, web activity on the stream path. A share of records is broken (invalid
values, unparseable lines) and a share is delivered twice (the same event id), so every code path runs.
"""

from __future__ import annotations

import json
import os
import random
from datetime import UTC, datetime, timedelta

CONTRACTS = [
    # Customers arrive on the stream path: the hub's own record type, owned by the hub's data product domain.
    {
        "domain": "hub",
        "dataset": "customer",
        "schema": {
            "type": "object",
            "properties": {
                "customerId": {"type": "string"},
                "email": {"type": "string", "format": "email"},
                "name": {"type": "string", "maxLength": 200},
                "country": {"type": "string"},
                "segment": {"type": "string", "enum": ["retail", "business", "private-banking"]},
                "createdAt": {"type": "string", "format": "date-time"},
                "updatedAt": {"type": "string", "format": "date-time"},
            },
            "required": ["customerId", "email", "createdAt"],
        },
        "classification": {
            "customerId": "confidential",
            "email": "pii",
            "name": "pii",
            "country": "internal",
            "segment": "confidential",
            "createdAt": "internal",
            "updatedAt": "internal",
        },
    },
    {
        "domain": "sales",
        "dataset": "order",
        "schema": {
            "type": "object",
            "properties": {
                "customerId": {"type": "string"},
                "orderId": {"type": "string"},
                "amountMinor": {"type": "integer", "minimum": 0},
                "currency": {"type": "string", "enum": ["EUR", "USD", "GBP"]},
                "placedAt": {"type": "string", "format": "date-time"},
            },
            "required": ["customerId", "orderId", "amountMinor", "currency", "placedAt"],
        },
        "classification": {
            "customerId": "confidential",
            "orderId": "confidential",
            "amountMinor": "confidential",
            "currency": "confidential",
            "placedAt": "confidential",
        },
    },
    {
        "domain": "payments",
        "dataset": "payment",
        "schema": {
            "type": "object",
            "properties": {
                "paymentId": {"type": "string"},
                "customerId": {"type": "string"},
                "amountMinor": {"type": "integer", "minimum": 0},
                "currency": {"type": "string", "enum": ["EUR", "USD", "GBP"]},
                "status": {"type": "string", "enum": ["pending", "settled", "failed"]},
                "settledAt": {"type": "string", "format": "date-time"},
            },
            "required": ["paymentId", "customerId", "amountMinor", "currency", "status"],
        },
        "classification": {
            "paymentId": "internal",
            "customerId": "confidential",
            "amountMinor": "confidential",
            "currency": "internal",
            "status": "internal",
            "settledAt": "internal",
        },
    },
    {
        "domain": "hub",
        "dataset": "weblog",
        "schema": {
            "type": "object",
            "properties": {
                "sessionId": {"type": "string"},
                "timestamp": {"type": "string", "format": "date-time"},
                "method": {"type": "string"},
                "url": {"type": "string"},
                "status": {"type": "integer", "minimum": 100, "maximum": 599},
                "customerId": {"type": "string"},
                "ip": {"type": "string"},
            },
            "required": ["sessionId", "timestamp", "method", "url", "status"],
        },
        "classification": {
            "sessionId": "internal",
            "timestamp": "internal",
            "method": "internal",
            "url": "internal",
            "status": "internal",
            "customerId": "confidential",
            "ip": "pii",
        },
    },
]
SALT = "bench-salt-0123456789abcdef"
START = datetime(2026, 11, 1, tzinfo=UTC)
DAYS = 30


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def _envelope(rng, event_id, domain, entity, time, data):
    return {
        "version": "0",
        "id": f"{rng.getrandbits(64):016x}",
        "detail-type": f"{entity.capitalize()} Changed",
        "source": f"cdp.domain.{domain}",
        "account": "111111111111",
        "time": time[:19] + "Z",
        "region": "eu-west-1",
        "resources": [],
        "detail": {
            "specversion": "1.0",
            "id": event_id,
            "source": f"cdp.domain.{domain}",
            "type": f"{entity}.created",
            "domain": domain,
            "entity": entity,
            "key": {"pk": data.get("customerId", "")},
            "changeType": "INSERT",
            "version": 1,
            "time": time,
            "data": data,
        },
    }


def generate(root: str, records: int, seed: int = 7, files_per_day: int = 1, bad_share=0.02, dup_share=0.02) -> int:
    """Writes about ``records`` lines under ``root`` (raw layout); returns the number written."""
    rng = random.Random(seed)
    customers = max(10, records // 20)
    handles: dict[str, object] = {}

    def out(key: str):
        f = handles.get(key)
        if f is None:
            path = os.path.join(root, key)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            f = handles[key] = open(path, "w", encoding="utf-8")  # noqa: SIM115 - closed below
        return f

    written = 0
    dumps = json.JSONEncoder(separators=(",", ":")).encode
    for i in range(records):
        kind = rng.random()
        t = START + timedelta(seconds=rng.randrange(DAYS * 86400))
        day = t.strftime("%Y-%m-%d")
        ts = _iso(t)
        cid = f"C{rng.randrange(customers):07d}"
        meta = {"recordId": f"r{i}", "arrivedAt": ts, "processedAt": ts, "schemaVersion": 1}
        if kind < 0.05:
            key = f"streams/source=crm/entity=customer/event_date={day}/crm-{day}-{i % files_per_day}.json"
            rec = {
                "eventId": f"{rng.getrandbits(128):032x}",
                "entity": "customer",
                "source": "crm",
                "customerId": cid,
                "email": f"{cid.lower()}@example.com",
                "name": f"Customer {cid}",
                "country": rng.choice(["DE", "FR", "GB", "US"]),
                "segment": rng.choice(["retail", "business", "private-banking"]),
                "createdAt": ts,
                "updatedAt": ts,
                "_meta": meta,
            }
        elif kind < 0.35:
            key = f"events/source=cdp.domain.sales/event_date={day}/sales-{day}-{i % files_per_day}.json"
            data = {
                "customerId": cid,
                "orderId": f"O{i:09d}",
                "amountMinor": rng.randrange(100, 50000),
                "currency": rng.choice(["EUR", "EUR", "USD", "GBP"]),
                "placedAt": ts,
                "version": 1,
            }
            rec = _envelope(rng, f"{rng.getrandbits(128):032x}", "sales", "order", ts, data)
        elif kind < 0.50:
            key = f"events/source=cdp.domain.payments/event_date={day}/payments-{day}-{i % files_per_day}.json"
            data = {
                "paymentId": f"P{i:09d}",
                "customerId": cid,
                "amountMinor": rng.randrange(100, 50000),
                "currency": rng.choice(["EUR", "USD", "GBP"]),
                "status": rng.choice(["settled", "settled", "pending", "failed"]),
                "settledAt": ts,
                "version": 1,
            }
            rec = _envelope(rng, f"{rng.getrandbits(128):032x}", "payments", "payment", ts, data)
        else:
            key = f"streams/source=web/entity=weblog/event_date={day}/web-{day}-{i % files_per_day}.json"
            rec = {
                "eventId": f"{rng.getrandbits(128):032x}",
                "entity": "weblog",
                "source": "web",
                "sessionId": f"S{rng.randrange(records // 5 + 1):08d}",
                "timestamp": ts,
                "method": "GET",
                "url": rng.choice(["/", "/products", "/cart", "/checkout"]),
                "status": rng.choice([200, 200, 200, 404]),
                "customerId": cid if rng.random() < 0.6 else None,
                "ip": f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(256)}",
                "userAgent": "Mozilla/5.0",
                "_meta": meta,
            }
        roll = rng.random()
        if roll < bad_share / 2:
            line = dumps(rec)[:-7]  # cut: unparseable
        elif roll < bad_share:
            target = rec["detail"]["data"] if "detail" in rec else rec
            target["currency" if "currency" in target else "customerId" if "email" in target else "status"] = "??"
            line = dumps(rec)
        else:
            line = dumps(rec)
        f = out(key)
        f.write(line + "\n")
        written += 1
        if roll > 1 - dup_share and written < records:
            f.write(line + "\n")  # replayed delivery: same event id
            written += 1
        if written >= records:
            break
    for f in handles.values():
        f.close()
    return written
