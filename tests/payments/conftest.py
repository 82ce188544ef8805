from __future__ import annotations

import pytest

from tests.payments.standin import (
    GOCARDLESS_WEBHOOK_SECRET,
    STRIPE_WEBHOOK_SECRET,
    ProviderStandIn,
)


@pytest.fixture(scope="session")
def standin():
    server = ProviderStandIn()
    yield server
    server.stop()


@pytest.fixture
def app_config(app_config, standin):
    standin.calls.clear()
    return {
        **app_config,
        "STRIPE_SECRET_KEY": "sk_test_standin",
        "STRIPE_WEBHOOK_SECRET": STRIPE_WEBHOOK_SECRET,
        "STRIPE_API_BASE": standin.url,
        "GOCARDLESS_ACCESS_TOKEN": "gc_test_standin",
        "GOCARDLESS_WEBHOOK_SECRET": GOCARDLESS_WEBHOOK_SECRET,
        "GOCARDLESS_API_BASE": standin.url,
    }
