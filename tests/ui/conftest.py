"""UI fixtures: a cognito-local pool that sends email codes like AWS does."""

from __future__ import annotations

import os
import time

import pytest

from tests.conftest import Pool, create_pool

os.environ["TZ"] = "UTC"  # the times a screen shows are local: the same on every machine
time.tzset()


@pytest.fixture
def verifying_pool(cognito_local_endpoint: str) -> Pool:
    """A pool that sends a code on an email change and keeps the old email until verified
    (cognito-local returns CodeDeliveryDetailsList only with AutoVerifiedAttributes)."""
    return create_pool(
        cognito_local_endpoint,
        AutoVerifiedAttributes=["email"],
        UserAttributeUpdateSettings={"AttributesRequireVerificationBeforeUpdate": ["email"]},
    )
