"""A data contract's record schema as the Glue jobs enforce it.

The contract files (``contracts/<domain>/<dataset>.yaml``, format in ``model/contracts.ts``) give each dataset a JSON
Schema (``properties`` with ``type``/``format``/``enum``/``minimum``/``maximum``/``minLength``/``maxLength``/
``pattern``, and ``required``) and a classification per column (``public|internal|confidential|pii|restricted``).
The jobs take them as plain dicts (``Contract.from_dict``), so an entry point can load them from the contract files
(YAML or JSON) and tests can write them inline.

``cast_value`` turns the JSON text of a property into its typed value and ``violations`` lists, per row, every
property that breaks the schema ("field: reason"), with Spark built-ins only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pyspark.sql import Column, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

CLASSIFICATIONS = ("public", "internal", "confidential", "pii", "restricted")
SCHEMA_TYPES = ("string", "integer", "number", "boolean", "object", "array")

# The JSON text of a number as Spark's JSON reader hands it to a string field; integers must not have a fraction.
_INTEGER = r"^-?(0|[1-9][0-9]*)$"
_NUMBER = r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$"
# A pragmatic e-mail shape (the preprocessing Lambda normalises and checks addresses strictly upstream).
_EMAIL = r"^[^@\s]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$"
_DATE = r"^\d{4}-\d{2}-\d{2}$"
#: The canonical UTC form of a date-time (a ``Z`` suffix), the one ``utc_timestamp`` reads without a zone lookup.
_UTC_TIME = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$"
#: Session time zones in which a wall time is a UTC time (``utc_timestamp``'s fast path).
UTC_ZONES = ("UTC", "Etc/UTC", "Z", "+00:00")


class ContractError(ValueError):
    """A contract the jobs cannot enforce; the message names the dataset, the key and what is expected."""


@dataclass(frozen=True)
class Property:
    name: str
    type: str
    format: str | None = None
    enum: tuple[Any, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    classification: str = "internal"

    @property
    def spark_type(self) -> T.DataType:
        if self.type == "string" and self.format == "date-time":
            return T.TimestampType()
        if self.type == "string" and self.format == "date":
            return T.DateType()
        return {"integer": T.LongType(), "number": T.DoubleType(), "boolean": T.BooleanType()}.get(
            self.type, T.StringType()
        )


@dataclass(frozen=True)
class Contract:
    domain: str
    dataset: str
    properties: tuple[Property, ...]
    required: frozenset[str] = field(default_factory=frozenset)

    @staticmethod
    def from_dict(doc: dict[str, Any]) -> Contract:
        """A contract from its file's content (``domain``, ``dataset``, ``schema``, ``classification``)."""
        dataset = doc.get("dataset")
        where = f"contract {doc.get('domain')}.{dataset}"
        if not isinstance(dataset, str) or not dataset:
            raise ContractError(f"{where}: dataset must be a non-empty string, got {dataset!r}")
        schema = doc.get("schema")
        if not isinstance(schema, dict) or not isinstance(schema.get("properties"), dict):
            raise ContractError(f"{where}: schema.properties must be a mapping of property → JSON Schema")
        classification = doc.get("classification") or {}
        props: list[Property] = []
        for name, spec in schema["properties"].items():
            if not isinstance(spec, dict) or spec.get("type") not in SCHEMA_TYPES:
                got = spec.get("type") if isinstance(spec, dict) else spec
                raise ContractError(
                    f"{where}: schema.properties.{name}.type is {got!r}; expected one of {', '.join(SCHEMA_TYPES)}"
                )
            cls = classification.get(name)
            if cls not in CLASSIFICATIONS:
                raise ContractError(
                    f"{where}: classification.{name} is {cls!r}; expected one of {', '.join(CLASSIFICATIONS)}"
                )
            props.append(
                Property(
                    name=name,
                    type=spec["type"],
                    format=spec.get("format"),
                    enum=tuple(spec["enum"]) if "enum" in spec else None,
                    minimum=spec.get("minimum"),
                    maximum=spec.get("maximum"),
                    min_length=spec.get("minLength"),
                    max_length=spec.get("maxLength"),
                    pattern=spec.get("pattern"),
                    classification=cls,
                )
            )
        required = schema.get("required") or []
        unknown = [r for r in required if r not in schema["properties"]]
        if unknown:
            raise ContractError(f"{where}: schema.required names {unknown!r}, which are not properties")
        return Contract(
            domain=str(doc.get("domain", "")), dataset=dataset, properties=tuple(props), required=frozenset(required)
        )

    @property
    def closed_sets(self) -> tuple[str, ...]:
        """Properties whose values come from a closed set (an ``enum``): the processed zone's Parquet keeps
        dictionary encoding on these only (``parquet.py``)."""
        return tuple(p.name for p in self.properties if p.enum is not None)

    @property
    def text_schema(self) -> T.StructType:
        """Every property as text: Spark's JSON reader gives strings as is and other values as their JSON text."""
        return T.StructType([T.StructField(p.name, T.StringType()) for p in self.properties])


#: The data product domain that owns the hub's own record types (model/hub-products.ts ``HUB_DOMAIN``): records the
#: preprocessing Lambda normalised from direct producers, as opposed to a business domain's change events.
HUB_DOMAIN = "hub"


def contract_id(domain: str, dataset: str) -> str:
    """A contract's key: its producer domain and its dataset (``model/contracts.ts`` ``contractId``)."""
    return f"{domain}.{dataset}"


def processed_folder(key: str) -> str:
    """Folder of a contract's records under the processed root: ``<domain>/entity=<dataset>``
    (``model/catalog.ts`` ``processedPrefix``, the governed table's location)."""
    domain, _, dataset = key.partition(".")
    return f"{domain}/entity={dataset}"


def contracts_by_key(docs: list[dict[str, Any]]) -> dict[str, Contract]:
    """Contracts keyed by ``<domain>.<dataset>`` (``contract_id``): a record is checked against the contract of its
    producer and its dataset together, so the hub's ``customer`` and a domain's ``customer`` are different contracts;
    two files may not claim the same domain and dataset."""
    out: dict[str, Contract] = {}
    for doc in docs:
        c = Contract.from_dict(doc)
        if not c.domain:
            raise ContractError(f"contract {c.dataset}: domain must be the producer domain's name, got {c.domain!r}")
        key = contract_id(c.domain, c.dataset)
        if key in out:
            raise ContractError(f"two contracts claim {key}: one contract per domain and dataset")
        out[key] = c
    return out


def owner_of(flat: Column, envelope_domain: Column) -> Column:
    """The producer domain of a raw record, the first half of its contract key (``raw_layout.py`` for the folders):

    * a record the hub normalised (``streams/source=…/entity=<type>/`` without a change envelope, ``flat``) is one of
      the hub's own record types: owned by ``HUB_DOMAIN`` whatever source system sent it;
    * a domain change event (``events/``, or a change envelope in an ``api_event`` on the stream) is owned by the
      envelope's ``domain`` (null when the envelope has none: no contract matches it).
    """
    return F.when(flat, F.lit(HUB_DOMAIN)).otherwise(envelope_domain)


def contract_key(owner: Column, dataset: Column) -> Column:
    """The contract key of a record (``contract_id`` of its owner and dataset): the key the jobs look the contract up
    by and name in a ``no-contract`` reason. Null when the dataset is missing; ``(no domain).<dataset>`` for a change
    envelope without a domain (no contract has that key)."""
    return F.concat(F.coalesce(owner, F.lit("(no domain)")), F.lit("."), dataset)


def utc_timestamp(text: Column) -> Column:
    """``to_timestamp(text)``, the same instant, read faster when the text is in the canonical UTC form.

    Spark reads a time zone suffix per value through ``SparkDateTimeUtils.getZoneId``, which compiles two regular
    expressions each time (``String.replaceFirst``): about 5 % of the raw job's task samples in a profile, and 0.97×
    the wall time without it (jobs/glue/README.md). A text matching ``_UTC_TIME`` (the times EventBridge, the
    preprocessing Lambda and the generated data write) is read without its ``Z`` as a wall time of the session time
    zone, which the jobs set to UTC (``session.JOB_CONF``; a test checks both readings agree). Any other text, offsets
    included, takes Spark's own path, and so does every text in a session of another time zone."""
    session = SparkSession.getActiveSession()
    if session is None or session.conf.get("spark.sql.session.timeZone") not in UTC_ZONES:
        return F.to_timestamp(text)
    wall_time = text.substr(F.lit(1), F.length(text) - 1)
    return F.when(text.rlike(_UTC_TIME), F.to_timestamp(wall_time)).otherwise(F.to_timestamp(text))


def cast_value(p: Property, text: Column) -> Column:
    """The typed value of a property's JSON text; null when the text is not of the property's type."""
    if p.type == "integer":
        return F.when(text.rlike(_INTEGER) & (F.length(text) <= 19), text.cast("long"))
    if p.type == "number":
        return F.when(text.rlike(_NUMBER), text.cast("double"))
    if p.type == "boolean":
        return F.when(text.isin("true", "false"), text == "true")
    if p.type == "object":
        return F.when(text.startswith("{"), text)
    if p.type == "array":
        return F.when(text.startswith("["), text)
    if p.format == "date-time":
        # A zone is required (Z or an offset), as the preprocessing Lambda requires it: naive times are ambiguous.
        return F.when(text.rlike(r"(Z|[+-]\d{2}(:?\d{2})?)$"), utc_timestamp(text))
    if p.format == "date":
        return F.when(text.rlike(_DATE), F.to_date(text, "yyyy-MM-dd"))
    return text


def _reason(cond: Column, name: str, what: str) -> Column:
    return F.when(cond, F.lit(f"{name}: {what}"))


def violations(contract: Contract, parsed: Column, typed: dict[str, Column], hashed: Column | None = None) -> Column:
    """An array column naming every property of ``parsed`` (the record's properties as text, a struct like
    ``Contract.text_schema``) that breaks the schema ("field: reason"), empty when the record satisfies it. ``typed``
    holds each property's ``cast_value`` (pass materialised columns so the casts run once per row).

    ``hashed`` (a boolean column) marks records whose identifiers the hub already replaced by their HMAC: their
    ``pii`` string values are hex digests, so only presence is checked for them, not format, enum, length or pattern.
    """
    reasons: list[Column] = []
    for p in contract.properties:
        text = parsed.getField(p.name)
        value = typed[p.name]
        present = text.isNotNull()
        if p.name in contract.required:
            reasons.append(_reason(~present, p.name, "required"))
        if hashed is not None and p.classification == "pii" and p.type == "string":
            present = present & ~hashed
        kind = p.format if p.format in ("date-time", "date") else p.type
        if p.type != "string" or p.format in ("date-time", "date"):
            reasons.append(_reason(present & value.isNull(), p.name, f"not a valid {kind}"))
        if p.format == "email":
            reasons.append(_reason(present & ~text.rlike(_EMAIL), p.name, "not a valid email"))
        if p.enum is not None:
            shown = ", ".join(v if isinstance(v, str) else json.dumps(v) for v in p.enum)
            if p.type in ("integer", "number", "boolean"):
                # By value: the JSON texts 1, 1.0 and 1e0 are one number, and Python's str(True) is not JSON's true.
                members = [v for v in p.enum if isinstance(v, bool) == (p.type == "boolean") and not isinstance(v, str)]
                outside = value.isNotNull() & ~value.isin(members) if members else value.isNotNull()
            else:
                outside = ~text.isin([str(v) for v in p.enum])
            reasons.append(_reason(present & outside, p.name, f"not one of {shown}"))
        if p.minimum is not None:
            reasons.append(_reason(value < F.lit(p.minimum), p.name, f"below minimum {p.minimum}"))
        if p.maximum is not None:
            reasons.append(_reason(value > F.lit(p.maximum), p.name, f"above maximum {p.maximum}"))
        if p.max_length is not None:
            reasons.append(_reason(present & (F.length(text) > p.max_length), p.name, f"longer than {p.max_length}"))
        if p.min_length is not None:
            reasons.append(_reason(present & (F.length(text) < p.min_length), p.name, f"shorter than {p.min_length}"))
        if p.pattern is not None:
            reasons.append(_reason(present & ~text.rlike(p.pattern), p.name, f"does not match {p.pattern}"))
    return F.array_compact(F.array(*reasons)) if reasons else F.array().cast("array<string>")
