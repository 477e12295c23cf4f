import pytest

pytestmark = pytest.mark.django_db


def test_an_unknown_api_address_answers_json(client):
    response = client.get("/api/no-such-thing/ünïcode/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_an_unknown_page_answers_the_html_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.fixture
def failing_api(monkeypatch, client, settings):
    settings.RATE_LIMITS = {}
    client.raise_request_exception = False

    def fail_with(error):
        def get(*args, **kwargs):
            raise error

        monkeypatch.setattr("petitions.api.StatsView.get", get)
        return client.get("/api/stats/")

    return fail_with


def test_an_api_failure_answers_json_500(failing_api):
    response = failing_api(RuntimeError("boom"))
    assert response.status_code == 500
    assert response.json() == {"detail": "Server error."}


def test_an_api_request_without_a_database_answers_json_503(failing_api):
    from django.db import OperationalError

    response = failing_api(OperationalError("connection refused"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json()["detail"].startswith("The database cannot be reached")


def test_a_page_failure_still_answers_the_html_500_page(client, monkeypatch, settings):
    client.raise_request_exception = False

    def fail(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("petitions.views.render", fail)
    response = client.get("/members/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("path", ["//evil.example/petitions/", "/\\evil.example/petitions/"])
def test_a_404_for_a_path_that_looks_like_another_host_links_only_here(client, path):
    # As a raw request line carries it (the test client would read "//host" as a host).
    response = client.get("/", PATH_INFO=path)
    assert response.status_code == 404
    body = response.content.decode()
    assert "Français" in body
    assert 'href="//' not in body
    assert 'href="/\\' not in body


def test_the_site_has_an_icon_where_browsers_look_for_it(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")
    assert 'rel="icon"' in client.get("/petitions/").text
