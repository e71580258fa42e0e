from realtime.tests.socket_helpers import role_groups  # noqa: F401
