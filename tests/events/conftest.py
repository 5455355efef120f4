from tests.api.conftest import book, dispute, fast_passwords, fresh_rate_limits  # noqa: F401
