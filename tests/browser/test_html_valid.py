"""Every public page type is valid HTML to the Nu HTML Checker, in English and French.

The pages are fetched from the live server as served, written to files, and checked in
one run of the checker (its Java start-up takes seconds); it reads the files only and
fetches nothing."""

import json
import shutil
import subprocess

import pytest

from tests.browser.conftest import PUBLIC_PAGES, REFUSED_EXPORT, VNU_JAR, require

pytestmark = pytest.mark.browser


def nu_html_check(files):
    """The checker's errors, by file name; warnings (advice) are left out."""
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--stdout", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    try:
        messages = json.loads(result.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"The Nu HTML Checker did not answer in JSON:\n{result.stderr[-2000:]}")
    errors = {}
    for message in messages:
        if message["type"] in {"error", "non-document-error"}:
            name = message.get("url", "?").rsplit("/", 1)[-1]
            errors.setdefault(name, []).append(message)
    return errors


def described(message):
    where = f"line {message.get('lastLine', '?')}"
    return f"    {where}: {message['message']}\n        {message.get('extract', '').strip()}"


@pytest.fixture(scope="session")
def nu_checker():
    require(shutil.which("java") is not None, "Java", "apt-get install default-jre-headless")
    require(VNU_JAR.exists(), "the Nu HTML Checker in node_modules", "make browser-deps")
    return nu_html_check


def test_every_public_page_type_is_valid_html_in_english_and_french(nu_checker, context, tmp_path):
    files = {}
    for page_type in [*PUBLIC_PAGES, REFUSED_EXPORT]:
        for language, path in page_type.paths():
            # As a browser asks (a refused download link answers a browser with a page).
            response = context.request.get(path, headers={"Accept": "text/html"})
            assert response.status == page_type.status, f"{path} answered {response.status}"
            assert response.headers["content-type"] == "text/html; charset=utf-8"
            file = tmp_path / f"{page_type.name}.{language}.html"
            file.write_bytes(response.body())
            files[file.name] = path

    # A page known to be invalid goes along, so a checker that reports nothing fails.
    canary = tmp_path / "canary.html"
    canary.write_text(
        '<!doctype html><html lang="en"><head><title>x</title></head>'
        "<body><p><div>a block inside a paragraph</div></p></body></html>"
    )

    errors = nu_checker([*map(tmp_path.joinpath, files), canary])

    assert errors.pop(canary.name), "The checker missed the canary page's error"

    report = "\n".join(
        f"{files.get(name, name)}:\n" + "\n".join(map(described, messages))
        for name, messages in errors.items()
    )
    assert not errors, f"The Nu HTML Checker found errors:\n{report}"
