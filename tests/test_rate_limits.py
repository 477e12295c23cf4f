"""Rate limits: counted where every web process sees them (Redis, else the database),
never forgotten by a full cache, and per client address as the trusted proxies say."""

import pytest
import redis
from django.core.cache import cache

REDIS_URL = "redis://127.0.0.1:6379/5"


@pytest.fixture
def redis_store(settings):
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    client.flushdb()
    settings.REDIS_URL = REDIS_URL
    yield client
    client.flushdb()


def exports(client, times, **headers):
    return [client.get("/petitions/export.csv", **headers).status_code for _ in range(times)]


@pytest.mark.django_db
def test_a_limit_outlives_the_cache_being_emptied(client, settings):
    # The old counters lived in the memory cache, which drops entries when it is full.
    settings.RATE_LIMITS = {"exports": 2}
    assert exports(client, 2) == [200, 200]
    cache.clear()
    assert exports(client, 1) == [429]


@pytest.mark.django_db
def test_a_limit_is_counted_in_redis_when_it_is_configured(client, settings, redis_store):
    settings.RATE_LIMITS = {"exports": 2}
    assert exports(client, 3) == [200, 200, 429]
    assert int(redis_store.get("rate:exports:127.0.0.1")) == 3
    assert 50 <= redis_store.ttl("rate:exports:127.0.0.1") <= 60


@pytest.mark.django_db
def test_retry_after_counts_down_to_the_end_of_the_window(client, settings):
    settings.RATE_LIMITS = {"api": 1}
    client.get("/api/petitions/")
    response = client.get("/api/petitions/")
    assert response.status_code == 429
    assert 55 <= int(response["Retry-After"]) <= 60
    assert response.json()["detail"].startswith("Too many requests: at most 1 a minute")


@pytest.mark.django_db
def test_without_trusted_proxies_a_forwarded_address_changes_nothing(client, settings):
    settings.RATE_LIMITS = {"exports": 2}
    codes = [
        client.get("/petitions/export.csv", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code
        for n in range(4)
    ]
    assert codes == [200, 200, 429, 429]


@pytest.mark.django_db
def test_behind_one_proxy_only_the_entry_it_appended_counts(client, settings):
    settings.TRUSTED_PROXIES = 1
    settings.RATE_LIMITS = {"exports": 2}
    # The client writes what it likes to the left of what our proxy appends.
    codes = [
        client.get(
            "/petitions/export.csv", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 203.0.113.9"
        ).status_code
        for n in range(3)
    ]
    assert codes == [200, 200, 429]
    forwarded = "10.0.0.1, 203.0.113.10"
    assert client.get("/petitions/export.csv", HTTP_X_FORWARDED_FOR=forwarded).status_code == 200


@pytest.mark.django_db
def test_behind_two_proxies_the_outer_one_names_the_client(client, settings):
    settings.TRUSTED_PROXIES = 2
    settings.RATE_LIMITS = {"exports": 1}
    headers = {"HTTP_X_FORWARDED_FOR": "198.51.100.7, 203.0.113.9, 10.1.1.1"}
    assert exports(client, 2, **headers) == [200, 429]
    headers = {"HTTP_X_FORWARDED_FOR": "198.51.100.7, 203.0.113.9, 10.1.1.2"}
    assert exports(client, 1, **headers) == [429]


@pytest.mark.django_db
def test_a_forwarded_entry_that_is_no_address_falls_back_to_the_peer(client, settings):
    settings.TRUSTED_PROXIES = 1
    settings.RATE_LIMITS = {"exports": 1}
    assert exports(client, 1, HTTP_X_FORWARDED_FOR="<script>") == [200]
    assert exports(client, 1, HTTP_X_FORWARDED_FOR="not-an-address") == [429]


@pytest.mark.django_db
def test_an_ipv6_client_holds_its_whole_slash_64(client, settings):
    settings.RATE_LIMITS = {"exports": 1}
    assert exports(client, 1, REMOTE_ADDR="2001:db8:1:2::1") == [200]
    assert exports(client, 1, REMOTE_ADDR="2001:db8:1:2:ffff::9") == [429]
    assert exports(client, 1, REMOTE_ADDR="2001:db8:1:3::1") == [200]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("bucket", "url"),
    [
        ("search", "/petitions/?q=health"),
        ("search", "/fr/petitions/?status=open"),
        ("stats", "/stats/"),
        ("feeds", "/feeds/petitions/"),
        ("sitemaps", "/sitemap.xml"),
    ],
)
def test_the_expensive_pages_are_rate_limited(client, settings, bucket, url):
    settings.RATE_LIMITS = {bucket: 2}
    assert client.get(url).status_code != 429
    assert client.get(url).status_code != 429
    response = client.get(url)
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1


@pytest.mark.django_db
def test_the_plain_list_is_not_counted_as_a_search(client, settings):
    settings.RATE_LIMITS = {"search": 1}
    assert [client.get("/petitions/").status_code for _ in range(3)] == [200, 200, 200]


@pytest.mark.django_db
@pytest.mark.parametrize("sweep", [0.0, 1.0])
def test_a_hit_is_one_statement_whether_or_not_it_forgets_closed_windows(
    client, settings, monkeypatch, sweep
):
    # A sweep run as a second query, one hit in a thousand, made a request's number of
    # queries vary, and a test counting them fail at random.
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from limits import counters
    from limits.models import Counter

    monkeypatch.setattr(counters, "SWEEP_SHARE", sweep)
    now = timezone.now()
    Counter.objects.create(
        key="rate:api:old", count=9, expires_at=now - datetime.timedelta(minutes=61)
    )
    Counter.objects.create(
        key="rate:api:recent", count=9, expires_at=now - datetime.timedelta(minutes=59)
    )
    with CaptureQueriesContext(connection) as queries:
        assert counters.hit("rate:api:mine", 60)[0] == 1
    assert len(queries) == 1
    kept = set(Counter.objects.values_list("key", flat=True))
    expected = {"rate:api:recent", "rate:api:mine"} | ({"rate:api:old"} if not sweep else set())
    assert kept == expected
