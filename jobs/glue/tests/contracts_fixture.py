"""Small data contracts in the format of contracts/<domain>/<dataset>.yaml, as plain dicts."""

CUSTOMER = {
    "domain": "sales",
    "dataset": "customer",
    "schema": {
        "type": "object",
        "properties": {
            "customerId": {"type": "string"},
            "email": {"type": "string", "format": "email"},
            "name": {"type": "string", "maxLength": 20},
            "segment": {"type": "string", "enum": ["retail", "business"]},
            "country": {"type": "string"},
            "taxId": {"type": "string"},
            "version": {"type": "integer"},
            "createdAt": {"type": "string", "format": "date-time"},
            "updatedAt": {"type": "string", "format": "date-time"},
        },
        "required": ["customerId", "email", "createdAt"],
    },
    "classification": {
        "customerId": "confidential",
        "email": "pii",
        "name": "pii",
        "segment": "internal",
        "country": "internal",
        "taxId": "restricted",
        "version": "internal",
        "createdAt": "internal",
        "updatedAt": "internal",
    },
}

ORDER = {
    "domain": "sales",
    "dataset": "order",
    "schema": {
        "type": "object",
        "properties": {
            "orderId": {"type": "string"},
            "customerId": {"type": "string"},
            "amountMinor": {"type": "integer", "minimum": 0},
            "currency": {"type": "string", "enum": ["EUR", "USD", "GBP"]},
            "placedAt": {"type": "string", "format": "date-time"},
        },
        "required": ["orderId", "customerId", "amountMinor", "currency", "placedAt"],
    },
    "classification": {
        "orderId": "internal",
        "customerId": "confidential",
        "amountMinor": "confidential",
        "currency": "internal",
        "placedAt": "internal",
    },
}

PAYMENT = {
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
}

WEBLOG = {
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
}

#: The hub's own customer record type (stream records without a change envelope): the same shape here, another owner,
#: so the tests show the contract is chosen by owner and dataset (a sales change and a hub record of ``customer``).
HUB_CUSTOMER = {**CUSTOMER, "domain": "hub"}

ALL = [CUSTOMER, HUB_CUSTOMER, ORDER, PAYMENT, WEBLOG]
SALT = "a-test-salt-of-32-characters-xyz"
