"""Schemathesis hooks for the hostile fuzz run (`SCHEMATHESIS_HOOKS=core.tests.fuzz_hooks`):
generated strings are swapped, now and then, for text PostgreSQL cannot store (NUL, lone
surrogates, "NaN" inside JSON text) and integers for numbers no column can hold."""

import random

import schemathesis

HOSTILE_TEXT = ["a\x00b", "\x00", "\ud800", "{\"elements\": [], \"x\": NaN}", "\udfff tail"]
QUERY_TEXT = ["a\x00b", "\x00"]  # a lone surrogate cannot be put in a URL at all
HUGE = 10**20


def _hostile(value, rng: random.Random, texts: list[str]):
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return HUGE if rng.random() < 0.3 else value
    if isinstance(value, str):
        return rng.choice(texts) if rng.random() < 0.3 else value
    if isinstance(value, list):
        return [_hostile(item, rng, texts) for item in value]
    if isinstance(value, dict):
        mapped = {key: _hostile(item, rng, texts) for key, item in value.items()}
        if rng.random() < 0.1:
            mapped["k\x00"] = 1
        return mapped
    return value


def _rng(value) -> random.Random:
    return random.Random(repr(value))


@schemathesis.hook
def map_body(ctx, body):
    return _hostile(body, _rng(body), HOSTILE_TEXT)


@schemathesis.hook
def map_query(ctx, query):
    return _hostile(query, _rng(query), QUERY_TEXT) if query else query


@schemathesis.hook
def map_path_parameters(ctx, path_parameters):
    return _hostile(path_parameters, _rng(path_parameters), QUERY_TEXT) if path_parameters else path_parameters
