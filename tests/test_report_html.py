"""The HTML report of real files: content, escaping, French, many files, and the page in a real browser.

The static tests read the page with lxml and compare it with the report it was rendered from (no
expected numbers typed in: every count comes from the report). The browser test opens the page in
headless Chromium through Selenium and checks what a person sees: the findings, the severity filter,
the other filters, and that the page loads nothing from the network.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import html

from conftest import EXAMPLE_ACTIVITY, REAL_IATI
from iaticonv.cli.main import run
from iaticonv.i18n import CATEGORY_LABELS, FR, LAYER_LABELS, SEVERITY_LABELS, VERDICT_LABELS
from iaticonv.standard import installed_info
from iaticonv.validate import Report, ValidateOptions, load_catalogue, validate_paths
from iaticonv.validate.render._jinja import environment
from iaticonv.validate.render.html import render_html

GAC_SAMPLE = REAL_IATI / "gac-CA-3-sample-3-activities-v2.01.xml"
TEMPLATES = Path(__file__).resolve().parents[1] / "src" / "iaticonv" / "templates"


def _validate(*paths: Path) -> Report:
    return validate_paths(list(paths), ValidateOptions())


def _page(report: Report, lang: str = "en") -> html.HtmlElement:
    return html.document_fromstring(render_html(report, lang=lang))


def _text(node: html.HtmlElement) -> str:
    return " ".join(node.text_content().split())


@pytest.fixture(scope="module")
def example_report() -> Report:
    report = _validate(EXAMPLE_ACTIVITY)
    assert report.summary["error"] > 0, "the annotated example is expected to carry codelist errors"
    return report


def test_every_finding_is_shown_with_its_location_message_and_guidance(example_report: Report) -> None:
    page = _page(example_report)
    items = page.find_class("finding")
    assert len(items) == len(example_report.findings)
    catalogue = load_catalogue()
    shown = Counter((item.get("data-rule"), item.get("data-severity")) for item in items)
    assert shown == Counter((f.rule_id, f.severity) for f in example_report.findings)
    for finding in example_report.findings:
        pieces = [" ".join(finding.message.split()), finding.xpath, finding.value,
                  f"Line {finding.line}" if finding.line else None]
        matches = [i for i in items if i.get("data-rule") == finding.rule_id
                   and all(piece in _text(i) for piece in pieces if piece)]
        assert matches, finding
        link = catalogue[finding.rule_id].link
        assert all(i.xpath(".//a/@href") == ([link] if link else []) for i in matches)
    assert page.xpath("//article[@class='finding sev-error']//a[starts-with(@href, 'https://iatistandard.org/')]")


def test_header_has_verdict_file_versions_pins_counts(example_report: Report) -> None:
    page = _page(example_report)
    header = _text(page.xpath("//header")[0])
    assert VERDICT_LABELS["errors"] in header  # errors, no critical: valid in the official sense, but failing
    assert str(EXAMPLE_ACTIVITY) in header and "2.03" in header
    pins = installed_info()["pins"]
    for commit in (pins["rulesets"]["2.03"], pins["schemas"]["2.03"], pins["validator-codelists"]["2.03"]):
        assert commit[:12] in header
    counts = {node.get("data-count"): int(node.text) for node in page.xpath("//header//*[@data-count]")}
    assert counts == example_report.summary
    assert f"{example_report.files[0].seconds:.2f} s" in header


def test_one_panel_per_activity_with_title_and_identifier(example_report: Report) -> None:
    page = _page(example_report)
    identifiers = {f.identifier for f in example_report.findings if f.identifier != "file"}
    panels = [p for p in page.find_class("panel") if p.xpath(".//summary/code")]
    assert {_text(p.xpath(".//summary/code")[0]) for p in panels} == identifiers
    assert _text(panels[0].xpath(".//summary/h3")[0]) == "Activity title"
    groups = [g.get("data-category") for g in panels[0].find_class("group")]
    assert len(groups) == len(set(groups)) == len({f.category for f in example_report.findings})


def test_page_loads_nothing(example_report: Report) -> None:
    """No element may fetch anything: no src, no stylesheet link, no url() or @import in styles."""
    page = _page(example_report)
    assert page.xpath("//*[@src or @srcset or @data or @poster]") == []
    assert page.xpath("//link | //iframe | //object | //embed | //img | //base") == []
    styles = " ".join(page.xpath("//style/text()"))
    assert "url(" not in styles and "@import" not in styles
    [csp] = page.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert "default-src 'none'" in csp
    assert all(href.startswith(("#", "https://")) for href in page.xpath("//a/@href"))


def test_everything_from_the_data_is_escaped(tmp_path: Path) -> None:
    """A hostile title, identifier and code value show as text; they never become markup or script."""
    source = EXAMPLE_ACTIVITY.read_text(encoding="utf-8")
    hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    escaped = hostile.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    source = source.replace("<narrative>Activity title</narrative>", f"<narrative>{escaped}</narrative>", 1)
    source = source.replace('default-currency="USD"', 'default-currency="&quot;&gt;&lt;b&gt;X"', 1)
    path = tmp_path / "hostile.xml"
    path.write_text(source, encoding="utf-8")
    report = _validate(path)
    assert any(f.value == '"><b>X' for f in report.findings)
    page = _page(report)
    assert len(page.xpath("//script")) == 1  # ours only
    assert page.xpath("//img | //b") == []
    assert hostile in _text(page)
    assert '"><b>X' in _text(page)


def test_french_headings_rule_messages_unchanged(example_report: Report) -> None:
    english, french = _page(example_report), _page(example_report, "fr")
    assert french.get("lang") == "fr"
    assert _text(french.xpath("//h1")[0]) == FR["IATI validation report"]
    assert FR["Severity"] in _text(french.xpath("//form")[0])
    messages = [_text(p) for p in english.xpath("//p[@class='msg']")]
    assert messages and messages == [_text(p) for p in french.xpath("//p[@class='msg']")]
    # the example has a French title narrative: the French page heads the activity with it
    assert "Titre de l'activité" in [_text(h) for h in french.xpath("//summary/h3")]


def test_many_files_get_a_summary_table_linking_to_each_section() -> None:
    files = sorted(REAL_IATI.glob("*.xml"))
    report = _validate(*files)
    page = _page(report)
    rows = page.xpath("//table[@class='summary']/tbody/tr")
    assert len(rows) == len(files)
    for row, file in zip(rows, report.files, strict=True):
        [href] = row.xpath(".//a/@href")
        [section] = page.xpath(f"//section[@id='{href[1:]}']")
        assert file.path in _text(section.xpath("h2")[0])
        cells = [int(_text(td)) for td in row.xpath("td[@class='num']")[1:-1]]
        assert cells == list(file.summary.values())


def test_cli_writes_the_html_report(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    code = run(["validate", "--format", "html", "--lang", "fr", "-o", str(out), str(GAC_SAMPLE)])
    assert code == 1  # the GAC sample has schema errors (critical)
    page = html.document_fromstring(out.read_text(encoding="utf-8"))
    assert _text(page.xpath("//h1")[0]) == FR["IATI validation report"]
    assert page.find_class("verdict")[0].get("class") == "verdict invalid"


def test_every_ui_string_has_a_french_translation() -> None:
    """Strings the templates pass to _() and the label tables: each has an entry in the French table."""
    env, _ = environment("fr")
    wanted: set[str] = set()
    for template in TEMPLATES.glob("*.j2"):
        for _line, _function, message in env.extract_translations(template.read_text(encoding="utf-8")):
            wanted.update([message] if isinstance(message, str) else [m for m in message if m])
    assert len(wanted) > 30
    for table in (SEVERITY_LABELS, CATEGORY_LABELS, LAYER_LABELS, VERDICT_LABELS):
        wanted.update(table.values())
    assert sorted(wanted - FR.keys()) == []


# --- the page in a real browser -------------------------------------------------------------------

CHROMIUM = os.environ.get("IATICONV_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("IATICONV_CHROMEDRIVER", "/usr/bin/chromedriver")
# Schemes by which a page reaches outside itself. chrome:// and friends are the browser's own pages
# (its start page), which a file:// page cannot reach.
OUTSIDE = ("http:", "https:", "ws:", "wss:", "ftp:", "file:")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not shutil.which(path)]
    if missing:
        pytest.skip(f"headless Chromium not installed ({', '.join(missing)} missing): "
                    "apt-get install -y chromium chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    with tempfile.TemporaryDirectory(prefix="iaticonv-chromium-") as profile:
        for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync", "--no-first-run",
                         "--window-size=1280,1600", f"--user-data-dir={profile}"):
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        try:
            yield driver
        finally:
            driver.quit()


def _open(driver: Any, page: Path) -> list[str]:
    """Load ``page`` and return every URL the browser requested for it that leaves the page.

    How "no network request" is proven: Chrome's DevTools performance log records a
    ``Network.requestWillBeSent`` event for every request the page makes, whatever starts it (an
    element, CSS, a script, a prefetch). The log is drained before loading, then every request made
    while loading and after a full interaction is collected; any http(s)/ws(s)/ftp URL, or a file://
    URL other than the page itself, is a request out. The page's Content-Security-Policy would block
    such a request before it shows in that log, so the console is read too: a blocked load is
    logged there as "Refused to ...". ``test_request_detector_sees_a_request`` proves the detector
    catches a real attempt.
    """
    driver.get("about:blank")
    driver.get_log("performance")
    driver.get_log("browser")
    url = page.resolve().as_uri()
    driver.get(url)
    return _requests_out(driver, url)


def _requests_out(driver: Any, url: str) -> list[str]:
    out = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            requested = message["params"]["request"]["url"]
            if requested.startswith(OUTSIDE) and requested != url:
                out.append(requested)
    refused = [entry["message"] for entry in driver.get_log("browser") if "Refused to" in entry["message"]]
    return out + refused


# What a person sees: elements that take up room on the laid-out page (display:none and hidden ones don't).
_VISIBLE = """return Array.from(document.querySelectorAll(arguments[0]))
    .filter((e) => e.getClientRects().length > 0)
    .map((e) => ({rule: e.getAttribute("data-rule"), severity: e.getAttribute("data-severity")}));"""


def _visible(driver: Any, css: str) -> list[dict[str, str]]:
    """The elements matching ``css`` that are rendered, in one round trip (the report has many)."""
    found: list[dict[str, str]] = driver.execute_script(_VISIBLE, css)
    return found


def _reset(driver: Any, total: int) -> None:
    """Press "Reset filters" and wait for every finding to show again: the page re-applies its
    filters just after the form's reset event (values are reset only once the event is over)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    driver.find_element(By.CSS_SELECTOR, "button[type=reset]").click()
    WebDriverWait(driver, 10, poll_frequency=0.05).until(lambda d: len(_visible(d, ".finding")) == total)


@pytest.mark.browser
def test_request_detector_sees_a_request(browser: Any, tmp_path: Path) -> None:
    """Control for the no-network check: a page that does load something is caught (localhost:9 refuses)."""
    probe = tmp_path / "probe.html"
    probe.write_text('<!DOCTYPE html><p>probe</p><img src="http://127.0.0.1:9/probe.png">', encoding="utf-8")
    assert _open(browser, probe) == ["http://127.0.0.1:9/probe.png"]


@pytest.mark.browser
def test_report_in_headless_chromium(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    report = _validate(GAC_SAMPLE, EXAMPLE_ACTIVITY)
    present = {f.severity for f in report.findings}
    assert {"critical", "error", "warning", "advisory"} <= present
    page = tmp_path / "report.html"
    page.write_text(render_html(report), encoding="utf-8")
    assert _open(browser, page) == []

    shot = tmp_path / "report.png"
    assert browser.save_screenshot(str(shot))
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width > 0 and height > 0 and len(data) > 10_000

    body = " ".join(browser.find_element(By.TAG_NAME, "body").text.split())
    for finding in report.findings:
        assert finding.rule_id in body
        assert " ".join(finding.message.split()) in body
    total = len(report.findings)
    assert len(_visible(browser, ".finding")) == total

    # severity: keep errors only
    for severity in present - {"error"}:
        browser.find_element(By.ID, f"sev-{severity}").click()
    shown = _visible(browser, ".finding")
    assert len(shown) == report.summary["error"]
    assert {item["severity"] for item in shown} == {"error"}
    assert _visible(browser, ".finding.sev-critical, .finding.sev-warning, .finding.sev-advisory") == []
    expected = f"{report.summary['error']} of {total} findings shown"
    assert browser.find_element(By.ID, "shown").text == expected

    # category, rule id and text search (scripted filters), each from a fresh start
    _reset(browser, total)
    Select(browser.find_element(By.ID, "filter-category")).select_by_value("schema")
    assert {item["rule"] for item in _visible(browser, ".finding")} == {"0.3.1"}
    _reset(browser, total)
    Select(browser.find_element(By.ID, "filter-rule")).select_by_value("9.40.1")
    assert [item["rule"] for item in _visible(browser, ".finding")] == ["9.40.1"]
    _reset(browser, total)
    browser.find_element(By.ID, "filter-search").send_keys("CA-3-A035198001")
    hits = _visible(browser, ".finding")
    assert len(hits) == sum(1 for f in report.findings if f.identifier == "CA-3-A035198001")
    assert len(_visible(browser, ".panel")) == 1  # panels without a match are hidden
    assert _requests_out(browser, page.resolve().as_uri()) == []  # nothing requested while filtering


@pytest.mark.browser
def test_report_without_javascript(browser: Any, tmp_path: Path) -> None:
    """Scripts off: every finding is listed and the severity boxes still filter (CSS only)."""
    from selenium.webdriver.common.by import By

    report = _validate(GAC_SAMPLE)
    page = tmp_path / "report.html"
    page.write_text(render_html(report), encoding="utf-8")
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        assert _open(browser, page) == []
        assert _visible(browser, "#filter-search") == []  # scripted controls stay hidden
        assert len(_visible(browser, ".finding")) == len(report.findings)
        browser.find_element(By.ID, "sev-warning").click()
        assert len(_visible(browser, ".finding")) == len(report.findings) - report.summary["warning"]
        assert _visible(browser, ".finding.sev-warning") == []
    finally:
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
