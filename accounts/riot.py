"""Riot ID lookups against Riot's account API (account-v1).

`riot_client()` is the process's client: httpx with a timeout, the key in `X-Riot-Token`, and
answers (found and not found) kept `RIOT_CACHE_TTL_SECONDS` in Django's cache (Redis, shared
by the processes, when `REDIS_URL` is set). Riot's
failures become our errors: 401/403 and 429 answer 503 (429 with `Retry-After`), a timeout
504, anything else unexpected 503.
"""

import hashlib
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass
from urllib.parse import quote

import httpx
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError

from core.errors import Unavailable, UpstreamTimeout

REGIONS = {
    "na": "North America",
    "lan": "Latin America North",
    "las": "Latin America South",
    "br": "Brazil",
    "euw": "Europe West",
    "eune": "Europe Nordic & East",
    "tr": "Turkey",
    "ru": "Russia",
    "kr": "Korea",
    "jp": "Japan",
    "oce": "Oceania",
}
DEFAULT_REGION = "na"
REGIONAL_ROUTES = {
    "na": "americas", "br": "americas", "lan": "americas", "las": "americas",
    "euw": "europe", "eune": "europe", "tr": "europe", "ru": "europe",
    "kr": "asia", "jp": "asia",
    "oce": "sea",
}
# account-v1 is served from americas, asia and europe only (any of them knows every account);
# SEA players are looked up on the nearest one.
ACCOUNT_ROUTES = {"sea": "asia"}

GAME_NAME_LENGTH = (3, 16)
TAG_LINE_LENGTH = (3, 5)
IGN_MAX_LENGTH = 32
RETRY_AFTER_DEFAULT_SECONDS = 1
CACHE_KEY_PREFIX = "riot:verification:"
STATS_MAX_ENTRIES = 10_000
RECENT_MAX_ENTRIES = 100_000
RECENT_WINDOW_SECONDS = 24 * 3600


@dataclass(frozen=True)
class RiotId:
    game_name: str
    tag_line: str

    @classmethod
    def parse(cls, ign: str) -> "RiotId":
        """`gameName#tagLine` as Riot allows it, or a ValidationError saying what is wrong."""
        ign = ign.strip()
        if len(ign) > IGN_MAX_LENGTH:
            raise ValidationError(
                f"A Riot ID has at most {IGN_MAX_LENGTH} characters (gameName#tagLine).")
        if ign.count("#") != 1:
            raise ValidationError(f"'{ign}' is not a Riot ID: write it as gameName#tagLine.")
        game_name, tag_line = (part.strip() for part in ign.split("#"))
        low, high = GAME_NAME_LENGTH
        if not low <= len(game_name) <= high:
            raise ValidationError(f"The game name has {low} to {high} characters.")
        low, high = TAG_LINE_LENGTH
        if not (low <= len(tag_line) <= high and tag_line.isalnum()):
            raise ValidationError(f"The tag line has {low} to {high} letters or digits.")
        return cls(game_name, tag_line)

    def __str__(self) -> str:
        return f"{self.game_name}#{self.tag_line}"


def region_parse(region: str) -> str:
    """A known region code, lower-cased, or a ValidationError listing the known ones."""
    code = region.strip().lower()
    if code not in REGIONS:
        raise ValidationError(f"Unknown region '{region}'; use one of {', '.join(REGIONS)}.")
    return code


@dataclass(frozen=True)
class Verification:
    is_valid: bool
    message: str
    region: str
    riot_data: dict | None = None
    puuid: str | None = None
    riot_id: str | None = None


class RiotClient:
    def __init__(self, *, api_key: str, timeout: float, cache_ttl: int,
                 transport: httpx.BaseTransport | None = None):
        self.api_key = api_key
        self.timeout = timeout
        self.cache_ttl = cache_ttl
        self._http = httpx.Client(timeout=httpx.Timeout(timeout), transport=transport,
                                  headers={"X-Riot-Token": api_key})
        self._lock = threading.Lock()
        # For `stats` only: when this process stored each answer, and whether it was valid.
        self._stored: dict[str, tuple[float, bool]] = {}
        self._recent: deque[float] = deque(maxlen=RECENT_MAX_ENTRIES)

    def verify(self, *, riot_id: RiotId, region: str) -> dict:
        """`{is_valid, message, region, riot_data, puuid, riot_id, cached}` for a Riot ID."""
        name = f"{region}\n{riot_id.game_name.casefold()}\n{riot_id.tag_line.casefold()}"
        key = CACHE_KEY_PREFIX + hashlib.sha256(name.encode()).hexdigest()
        with self._lock:
            self._recent.append(time.time())
        answer = cache.get(key)
        if answer is not None:
            return {**answer, "cached": True}
        verification = self._lookup(riot_id, region)
        answer = asdict(verification)
        cache.set(key, answer, timeout=self.cache_ttl)
        self._count_stored(key, is_valid=verification.is_valid)
        return {**answer, "cached": False}

    def _count_stored(self, key: str, *, is_valid: bool) -> None:
        now = time.monotonic()
        with self._lock:
            self._stored.pop(key, None)
            self._stored[key] = (now, is_valid)
            if len(self._stored) > STATS_MAX_ENTRIES:  # forget the expired, then the oldest
                self._stored = {key: stored for key, stored in self._stored.items()
                                if now - stored[0] < self.cache_ttl}
                while len(self._stored) > STATS_MAX_ENTRIES:
                    del self._stored[next(iter(self._stored))]

    def _lookup(self, riot_id: RiotId, region: str) -> Verification:
        route = REGIONAL_ROUTES[region]
        host = ACCOUNT_ROUTES.get(route, route)
        url = (f"https://{host}.api.riotgames.com/riot/account/v1/accounts/by-riot-id/"
               f"{quote(riot_id.game_name, safe='')}/{quote(riot_id.tag_line, safe='')}")
        try:
            response = self._http.get(url)
        except httpx.TimeoutException:
            raise UpstreamTimeout(f"Riot did not answer within {self.timeout:g} s; try again.",
                                  code="riot_timeout")
        except httpx.HTTPError as error:
            raise Unavailable(f"Could not reach Riot ({error.__class__.__name__}); try again.",
                              code="riot_unreachable")
        status = response.status_code
        if status == 404:
            return Verification(is_valid=False, region=region,
                                message=f"No Riot account is named {riot_id}.")
        if status in (401, 403):
            raise Unavailable(f"Riot refused the server's API key (status {status}): bad Riot "
                              "API key; check RIOT_API_KEY.", code="riot_bad_api_key")
        if status == 429:
            retry_after = response.headers.get("Retry-After", "")
            seconds = int(retry_after) if retry_after.isdigit() else RETRY_AFTER_DEFAULT_SECONDS
            raise Unavailable(f"Riot's rate limit is reached; try again in {seconds} s.",
                              code="riot_rate_limited", retry_after=seconds)
        if status != 200:
            raise Unavailable(f"Riot answered with status {status}; try again later.",
                              code="riot_unavailable")
        try:
            body = response.json()
            account = {name: body[name] for name in ("puuid", "gameName", "tagLine")}
        except (ValueError, TypeError, KeyError):
            body = account = None
        if account is None or not all(isinstance(value, str) and value
                                      for value in account.values()):
            raise Unavailable("Riot answered with a body that is not an account; try again later.",
                              code="riot_bad_answer")
        canonical = f"{account['gameName']}#{account['tagLine']}"
        return Verification(
            is_valid=True, region=region, message=f"{canonical} is a Riot account.",
            riot_data={**account, "region": region, "routing": route},
            puuid=account["puuid"], riot_id=canonical)

    def stats(self) -> dict:
        """What this process stored in the cache: answers still fresh and those expired since."""
        now, wall = time.monotonic(), time.time()
        with self._lock:
            stored = list(self._stored.values())
            recent = sum(1 for at in self._recent if wall - at < RECENT_WINDOW_SECONDS)
        fresh = [is_valid for at, is_valid in stored if now - at < self.cache_ttl]
        return {
            "total_cached": len(stored),
            "valid_cached": sum(fresh),
            "expired_cached": len(stored) - len(fresh),
            "recent_verifications": recent,
            "cache_ttl_seconds": self.cache_ttl,
        }


_client: RiotClient | None = None
_client_lock = threading.Lock()


def riot_client() -> RiotClient:
    """This process's client; 503 when no RIOT_API_KEY is configured."""
    global _client
    api_key = settings.RIOT_API_KEY
    if not api_key:
        raise Unavailable("Riot ID verification is disabled: RIOT_API_KEY is not set on this "
                          "server.", code="verification_disabled")
    with _client_lock:
        if _client is None or _client.api_key != api_key:
            _client = RiotClient(api_key=api_key, timeout=settings.RIOT_API_TIMEOUT_SECONDS,
                                 cache_ttl=settings.RIOT_CACHE_TTL_SECONDS)
        return _client
