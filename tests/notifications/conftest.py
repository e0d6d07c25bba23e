from tests.onboarding.conftest import immediate_tasks, smtp_server  # noqa: F401
