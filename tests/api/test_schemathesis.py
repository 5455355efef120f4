"""A schemathesis run over the whole OpenAPI schema, in-process (schemathesis 4.x over WSGI).

An authenticated division lead (token with read and trade) sends generated requests to every
operation: the schema's own examples, data that fits the schema and data that does not. No
response may be a 5xx, carry an undocumented status, or break the documented schema.

The operations are driven with Hypothesis directly (`operation.as_strategy`), derandomised so
every run sends the same requests.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import token_of

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 20
UNLIMITED = {"anon": None, "token": None, "trade": None}


@pytest.fixture
def api_schema(db):
    # As Django's test client does: a request must not close the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def agent_headers(book, lead, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": UNLIMITED}
    return {"Authorization": f"Bearer {token_of(lead)}"}


def _failures(operation, strategy, headers):
    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        run()
    except Exception as failure:  # noqa: BLE001 - reported below with the operation
        return [f"{operation.label}: {failure}"]
    return []


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_request_gives_a_server_error_or_breaks_the_schema(api_schema, agent_headers, mode):
    failures = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:
        strategies = [operation.as_strategy(generation_mode=mode)]
        if mode == GenerationMode.POSITIVE:
            strategies += operation.get_strategies_from_examples()
        for strategy in strategies:
            failures += _failures(operation, strategy, agent_headers)
    assert not failures, "\n\n".join(failures)
