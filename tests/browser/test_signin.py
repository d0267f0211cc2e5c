"""Sign-in through a real OpenID Connect provider, and meeting links, in a real browser.

The module starts its own identity provider (oidc-provider-mock, a Flask app speaking OpenID
Connect, on loopback) and its own app server whose secrets file names that provider in
Streamlit's named-provider form ([auth] plus [auth.council]) and allows one email domain. People
sign in through the provider's own login page, typing their subject; the provider knows the
claims of the accounts below (it issues them in the id token, as a real provider does).
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import time
import urllib.request
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from bench.app_server import (
    CHROMIUM,
    LAUNCH_ARGS,
    free_port,
    python,
    start_server,
    stop_server,
    wait_until_answering,
)
from tests.browser.conftest import (
    ARTIFACTS,
    MAIN,
    ROOT,
    SERVER_START_S,
    WAIT_MS,
    is_open,
    main_text,
    new_context,
    open_detail,
    open_page,
    sidebar,
    wait_ready,
    widget,
)
from ui import meeting
from ui.navigation import ADDRESSES

DOMAIN = "northlincs.gov.uk"
OFFICER = f"officer@{DOMAIN}"
OUTSIDER = "head@school.example.org"              # verified, but not in the allowed domain
UNVERIFIED = f"unverified@{DOMAIN}"               # the provider says the email is not verified
ACCOUNTS = [{"sub": OFFICER, "email": OFFICER, "email_verified": True, "name": "Inclusion officer"},
            {"sub": OUTSIDER, "email": OUTSIDER, "email_verified": True},
            {"sub": UNVERIFIED, "email": UNVERIFIED, "email_verified": False}]
# A subject the provider has never seen: it issues only {"email": subject}, with no email_verified.
UNKNOWN = f"newcomer@{DOMAIN}"
COOKIE_SECRET = secrets.token_urlsafe(32)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status == 200
    except Exception:                           # noqa: BLE001 (not up yet)
        return False


@pytest.fixture(scope="module")
def provider() -> str:
    """The identity provider on loopback, for this module's tests only."""
    ARTIFACTS.mkdir(exist_ok=True)
    port = free_port()
    log = ARTIFACTS / "oidc-provider.log"
    args = [python(), "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)]
    for account in ACCOUNTS:
        args += ["--user-claims", json.dumps(account)]
    with open(log, "w", encoding="utf-8") as out:
        proc = subprocess.Popen(args, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True, env={**os.environ, "NO_COLOR": "1"})
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(proc, lambda: _answers(f"{url}/.well-known/openid-configuration"), log,
                             "the OIDC provider", SERVER_START_S)
        yield url
    finally:
        stop_server(proc)


@pytest.fixture(scope="module")
def signin_url(provider, app_lake, tmp_path_factory) -> str:
    """An app server with sign-in required, reading its own secrets file (never the repo's)."""
    port = free_port()
    folder = tmp_path_factory.mktemp("signin-secrets")
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{COOKIE_SECRET}"\n'
        "[auth.council]\n"
        'client_id = "senco-dashboard"\n'
        f'client_secret = "{secrets.token_urlsafe(16)}"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
        "[access]\n"
        f'allowed_domains = ["{DOMAIN}"]\n', encoding="utf-8")
    proc, url = start_server(app_lake, ARTIFACTS / "streamlit-signin-server.log", SERVER_START_S, port=port,
                             extra_args=("--secrets.files", str(secrets_file)))
    try:
        yield url
    finally:
        stop_server(proc)


# ------------------------------------------------------------------ helpers
def no_data(page) -> None:
    """Nothing from the lake on the page: no figures, tables, charts or filters."""
    for testid in ("stMetric", "stDataFrame", "stPlotlyChart", "stMultiSelect"):
        assert page.locator(f"[data-testid='{testid}']").count() == 0, f"{testid} shown on {page.url}"


def sign_in(page, subject: str) -> None:
    """From the app's sign-in screen, through the provider's login page, and back."""
    page.get_by_role("button", name="Sign in with Council").click()
    page.wait_for_selector("input[name='sub']", timeout=WAIT_MS)
    page.fill("input[name='sub']", subject)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_function("() => location.port && !location.pathname.startsWith('/oauth2')", timeout=WAIT_MS)
    wait_ready(page)


def meeting_link(page) -> str:
    expander = page.locator(f"{MAIN} [data-testid='stExpander']", has_text="Link to this view").first
    summary = expander.locator("summary")
    if not is_open(summary):
        summary.click()
    code = expander.locator("[data-testid='stCode']", has_text="meet=").first
    code.wait_for(state="visible", timeout=WAIT_MS)
    return code.inner_text().strip()


def one_line_error(page, says: str) -> None:
    errors = page.locator("[data-testid='stAlert'] [data-testid='stMarkdownContainer']").all_inner_texts()
    assert len(errors) == 1 and says in errors[0] and "\n" not in errors[0].strip(), errors


# ------------------------------------------------------------------ sign-in
def test_shared_deep_link_opened_signed_out_lands_on_that_view_after_sign_in(signin_url, page, lake_facts):
    year = lake_facts["years"][-1]
    open_page(page, f"{signin_url}/senco_time?{urlencode({'year': year, 'phase': 'primary'})}")
    assert page.get_by_role("button", name="Sign in with Council").is_visible()
    no_data(page)
    sign_in(page, OFFICER)
    page.wait_for_url(re.compile(r"/senco_time\?.*phase=primary"), timeout=WAIT_MS)
    wait_ready(page)
    assert page.locator("h1").first.inner_text() == "SENCO time"
    assert parse_qs(urlsplit(page.url).query)["year"] == [year]
    assert [t.get_attribute("aria-label") or t.inner_text().strip()
            for t in widget(page, "Phase").locator("[data-tag]").all()] == ["primary"]
    assert page.locator("[data-testid='stMetric']").count() > 0
    assert f"Signed in as {OFFICER}" in sidebar(page).inner_text()


@pytest.mark.parametrize("subject, says", [(OUTSIDER, "email domain is not allowed"),
                                           (UNVERIFIED, "has not verified your email"),
                                           (UNKNOWN, "has not verified your email")],
                         ids=["other-domain", "email-not-verified", "no-email-verified-claim"])
def test_other_domains_and_unverified_emails_see_no_data_on_any_page(signin_url, page, subject, says):
    open_page(page, signin_url)
    sign_in(page, subject)
    for address in ADDRESSES.values():
        open_page(page, signin_url + address + "?anon=false")
        assert says in main_text(page), main_text(page)[:500]
        no_data(page)
        assert page.get_by_role("button", name="Sign out").is_visible()


def test_sign_out_ends_access(signin_url, page):
    open_page(page, signin_url + "/ofsted")
    sign_in(page, OFFICER)
    # Signed in, the page reruns and draws its figures: wait for them rather than count at once.
    page.locator("[data-testid='stMetric']").first.wait_for(state="visible", timeout=WAIT_MS)
    sidebar(page).get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="End session").click()         # the provider's own sign-out page
    page.wait_for_url(re.compile(re.escape(signin_url)), timeout=WAIT_MS)
    for address in ("/", "/schools", "/data_quality"):
        open_page(page, signin_url + address)
        assert page.get_by_role("button", name="Sign in with Council").is_visible()
        no_data(page)


# ------------------------------------------------------------------ meeting links
def test_meeting_link_opens_the_view_anonymised_for_anyone_and_edits_cannot_undo_it(
        signin_url, page, browser, lake_facts):
    year = lake_facts["years"][-1]
    open_page(page, f"{signin_url}/senco_time?{urlencode({'year': year, 'phase': 'primary'})}")
    sign_in(page, OFFICER)
    page.wait_for_url(re.compile(r"/senco_time\?.*phase=primary"), timeout=WAIT_MS)
    wait_ready(page)
    team_view = main_text(page)
    assert "**" not in team_view
    link = meeting_link(page)
    box = page.locator(f"{MAIN} [data-testid='stExpander']", has_text="Link to this view").first.inner_text()
    assert "Team link" in box and "Meeting link for a room of schools" in box
    query = {k: v for k, v in parse_qs(urlsplit(link).query).items()}
    assert link.startswith(f"{signin_url}/senco_time?") and query["phase"] == ["primary"]

    ctx = new_context(browser)                     # someone at the meeting, with no account
    try:
        guest = ctx.new_page()
        open_page(guest, link)
        assert guest.locator("h1").first.inner_text() == "SENCO time"
        assert guest.locator("[data-testid='stAlert']", has_text="Anonymised mode").first.is_visible()
        assert guest.locator("[data-testid='stMetric']").count() > 0
        toggle = widget(guest, "Anonymised mode").locator("input")
        assert toggle.is_checked() and toggle.is_disabled()
        nav = " ".join(sidebar(guest).locator("[data-testid='stSidebarNav']").all_inner_texts())
        assert "SENCO time" in nav and "Schools" not in nav and "Returns" not in nav
        text = guest.locator("body").inner_text()
        assert [n for n in lake_facts["school_names"] if n in text] == []
        assert "Meeting link: opens this view anonymised" in meeting_box_text(guest)

        # Attacks on the link, each in a fresh tab of the same guest browser.
        base = f"{signin_url}/senco_time?"
        no_meet = {k: v for k, v in query.items() if k != "meet"}
        open_page(guest, base + urlencode(no_meet, doseq=True))                    # token removed
        assert guest.get_by_role("button", name="Sign in with Council").is_visible()
        no_data(guest)
        open_page(guest, base + urlencode({**query, "anon": ["false"]}, doseq=True))   # anonymity switched off
        assert guest.locator("[data-testid='stAlert']", has_text="Anonymised mode").first.is_visible()
        assert widget(guest, "Anonymised mode").locator("input").is_checked()
        for attack in ({"phase": ["secondary"]},                                       # filters changed
                       {"meet": [str(int(query["meet"][0].split(".")[0]) + 86400 * 30)
                                 + query["meet"][0][query["meet"][0].index("."):]]},  # expiry extended
                       {"meet": [query["meet"][0][:-3] + "abc"]}):                     # signature edited
            open_page(guest, base + urlencode({**query, **attack}, doseq=True))
            one_line_error(guest, "has been changed")
            no_data(guest)
        expired, _ = meeting.make(COOKIE_SECRET, {"year": year}, hours=1, now=time.time() - 7200)
        open_page(guest, base + urlencode(expired, doseq=True))                        # expired
        one_line_error(guest, "expired at")
        no_data(guest)
        guest.goto(f"{signin_url}/data_quality?" + urlencode(query, doseq=True))        # a named page
        wait_ready(guest)
        assert "Page not found" in " ".join(guest.locator("[role='dialog']").all_inner_texts())
        assert guest.locator("h1").first.inner_text() == "Overview"
        assert guest.locator("[data-testid='stAlert']", has_text="Anonymised mode").first.is_visible()
        assert guest.locator("[data-testid='stFileUploader']").count() == 0
        assert not [n for n in lake_facts["school_names"] if n in guest.locator("body").inner_text()]
    finally:
        ctx.close()


def meeting_box_text(page) -> str:
    expander = page.locator(f"{MAIN} [data-testid='stExpander']", has_text="Link to this view").first
    open_detail(expander)
    expander.locator("[data-testid='stCode']").first.wait_for(state="visible", timeout=WAIT_MS)
    return expander.inner_text()


# ------------------------------------------------------------------ no sign-in, and broken settings
# A browser on another computer: a test host in a network namespace made here (a veth pair,
# 10.213.x.0/30), never an address outside this machine.
CLIENT = """
import sys
from playwright.sync_api import sync_playwright
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=sys.argv[2], args=sys.argv[3:], headless=True)
    page = browser.new_page()
    page.goto(sys.argv[1], wait_until="domcontentloaded")
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60000)
    page.wait_for_selector("[data-testid='stAlert']", timeout=60000)
    alerts = page.locator("[data-testid='stAlert'] [data-testid='stMarkdownContainer']").all_inner_texts()
    shown = sum(page.locator(f"[data-testid='{t}']").count() for t in ("stMetric", "stDataFrame", "stPlotlyChart"))
    print(repr((alerts, shown)))
    browser.close()
"""


@pytest.fixture(scope="module")
def other_computer():
    """(address of this computer as the other one sees it, run(url) -> (alerts, data elements shown))."""
    if os.geteuid() != 0 or not shutil.which("ip"):
        pytest.skip("making a test host needs root and iproute2 (CI has both)")
    tag = f"{os.getpid() % 10000}"
    ns, host_end, ns_end = f"senco-{tag}", f"vh{tag}", f"vn{tag}"
    octet = os.getpid() % 250
    host_ip, ns_ip = f"10.213.{octet}.1", f"10.213.{octet}.2"
    steps = [["ip", "netns", "add", ns], ["ip", "link", "add", host_end, "type", "veth", "peer", "name", ns_end],
             ["ip", "link", "set", ns_end, "netns", ns], ["ip", "addr", "add", f"{host_ip}/30", "dev", host_end],
             ["ip", "link", "set", host_end, "up"],
             ["ip", "netns", "exec", ns, "ip", "addr", "add", f"{ns_ip}/30", "dev", ns_end],
             ["ip", "netns", "exec", ns, "ip", "link", "set", ns_end, "up"],
             ["ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up"]]
    try:
        for step in steps:
            subprocess.run(step, check=True, capture_output=True, timeout=30)

        def run(url: str) -> tuple[list[str], int]:
            done = subprocess.run(["ip", "netns", "exec", ns, python(), "-c", CLIENT, url, CHROMIUM, *LAUNCH_ARGS],
                                  capture_output=True, text=True, timeout=180)
            assert done.returncode == 0, done.stderr[-2000:]
            return eval(done.stdout.strip().splitlines()[-1])     # noqa: S307 (our own script's repr)
        yield host_ip, run
    finally:
        subprocess.run(["ip", "link", "del", host_end], capture_output=True, timeout=30)
        subprocess.run(["ip", "netns", "del", ns], capture_output=True, timeout=30)


@pytest.fixture(scope="module")
def open_server(app_lake, tmp_path_factory):
    """An app server with no sign-in, listening on every interface (as someone might start it by
    hand), whose secrets file the tests write: (base URL, secrets file)."""
    secrets_file = tmp_path_factory.mktemp("open-secrets") / "secrets.toml"     # absent to begin with
    ARTIFACTS.mkdir(exist_ok=True)
    proc, url = start_server(app_lake, ARTIFACTS / "streamlit-open-server.log", SERVER_START_S, address="0.0.0.0",
                             extra_args=("--secrets.files", str(secrets_file)))
    try:
        yield url, secrets_file
    finally:
        stop_server(proc)


def test_without_sign_in_only_this_computer_sees_data(open_server, other_computer, page):
    url, _ = open_server
    open_page(page, url + "/senco_time")
    assert page.locator("[data-testid='stMetric']").count() > 0
    assert "this computer only" in sidebar(page).inner_text()
    address, from_other_computer = other_computer
    alerts, shown = from_other_computer(url.replace("127.0.0.1", address) + "/senco_time")
    assert len(alerts) == 1 and "shows data only on the computer it runs on" in alerts[0], alerts
    assert shown == 0


NAMED_FORM = ('[auth]\nredirect_uri = "http://localhost:8501/oauth2callback"\ncookie_secret = "{secret}"\n'
              '[auth.microsoft]\nclient_id = "dashboard"\nclient_secret = "s"\n'
              'server_metadata_url = "https://login.microsoftonline.com/t/v2.0/.well-known/openid-configuration"\n')


def test_broken_or_incomplete_settings_show_no_data_and_say_why(open_server, page):
    url, secrets_file = open_server
    try:
        secrets_file.write_text('[auth]\nclient_id = "a"\nclient_id = "a"\n', encoding="utf-8")   # duplicated key
        for address in ("/", "/schools"):
            open_page(page, url + address)
            one_line_error(page, "cannot be read")
            no_data(page)
        secrets_file.write_text(NAMED_FORM.format(secret=COOKIE_SECRET), encoding="utf-8")        # no [access]
        open_page(page, url + "/schools")
        one_line_error(page, "no email domains are allowed")
        no_data(page)
        secrets_file.write_text(NAMED_FORM.format(secret=COOKIE_SECRET) + f'[access]\nallowed_domains = ["{DOMAIN}"]\n',
                                encoding="utf-8")
        open_page(page, url + "/schools")
        assert page.get_by_role("button", name="Sign in with Microsoft").is_visible()
        no_data(page)
    finally:
        secrets_file.write_text("", encoding="utf-8")
