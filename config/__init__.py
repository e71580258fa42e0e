"""The configuration store. Read a value anywhere with `config.get("key", default)`."""


def get(key: str, default=None):
    """Cached read of one configuration value (see `config.selectors.config_get`)."""
    from config.selectors import config_get  # models load after the app registry

    return config_get(key, default)
