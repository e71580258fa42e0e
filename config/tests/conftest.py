from config.models import Configuration


def make_configuration(key: str, value, *, category: str = "general",
                       description: str = "") -> Configuration:
    return Configuration.objects.create(key=key, value=value, category=category,
                                        description=description)
