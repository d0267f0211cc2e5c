"""Who may see data: sign-in fails closed, local means local, meeting links stay anonymous.

The configuration checks run on the same secrets the app reads; the page checks run app.py
headless (AppTest). The journeys through a real identity provider are in
tests/browser/test_signin.py.
"""
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit import config
from streamlit.runtime.secrets import secrets_singleton
from streamlit.testing.v1 import AppTest

from ui import meeting
from ui.auth import (
    access_from,
    email_allowed,
    identity_problem,
    provider_label,
    secrets_file_problem,
)
from ui.details import open_every_detail

APP = str(Path(__file__).resolve().parents[2] / "app.py")
SECRET = "s" * 40
FLAT = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": SECRET, "client_id": "dashboard",
        "client_secret": "s", "server_metadata_url": "https://login.example.org/.well-known/openid-configuration"}
NAMED = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": SECRET,
         "microsoft": {"client_id": "a", "client_secret": "b",
                       "server_metadata_url": "https://login.microsoftonline.com/t/v2.0/.well-known/openid-configuration"},
         "google": {"client_id": "c", "client_secret": "d",
                    "server_metadata_url": "https://accounts.google.com/.well-known/openid-configuration"}}
ACCESS = {"allowed_domains": ["northlincs.gov.uk"]}


# ------------------------------------------------------------------ configuration
def test_both_documented_auth_forms_require_sign_in_and_name_their_providers():
    flat = access_from({"auth": FLAT, "access": ACCESS})
    assert flat.sign_in and flat.providers == ("default",) and flat.problem is None
    named = access_from({"auth": NAMED, "access": ACCESS})
    assert named.sign_in and set(named.providers) == {"microsoft", "google"} and named.problem is None
    assert named.domains == ("northlincs.gov.uk",)
    assert [provider_label(p) for p in ("default", "microsoft")] == ["Sign in", "Sign in with Microsoft"]


@pytest.mark.parametrize("secrets, says", [
    ({"auth": {}, "access": ACCESS}, "names no identity provider"),
    ({"auth": {"cookie_secret": SECRET}, "access": ACCESS}, "names no identity provider"),
    ({"auth": {**FLAT, "cookie_secret": ""}, "access": ACCESS}, "lacks cookie_secret"),
    ({"auth": {k: v for k, v in NAMED.items() if k != "redirect_uri"}, "access": ACCESS}, "lacks redirect_uri"),
    ({"auth": {**NAMED, "okta": {"client_id": "x"}}, "access": ACCESS}, "[auth.okta] lacks client_secret"),
    ({"auth": FLAT}, "no email domains are allowed"),
    ({"auth": NAMED, "access": {}}, "no email domains are allowed"),
    ({"auth": FLAT, "access": {"allowed_domains": []}}, "no email domains are allowed"),
    ({"auth": FLAT, "access": {"allowed_domains": ["northlincs.gov.uk", 7]}}, "no email domains are allowed"),
    ({"access": ACCESS}, "no [auth] identity provider"),
    ({"auth": "yes"}, "not a section"),
])
def test_incomplete_sign_in_settings_show_no_data_and_say_why(secrets, says):
    access = access_from(secrets)
    assert access.sign_in and access.problem and says in access.problem, access


def test_no_settings_at_all_is_local_open_access():
    access = access_from({})
    assert not access.sign_in and access.problem is None


def test_a_secrets_file_that_does_not_parse_is_a_problem_not_open_access(tmp_path):
    broken = tmp_path / "secrets.toml"
    broken.write_text('[auth]\nclient_id = "a"\nclient_id = "b"\n', encoding="utf-8")   # duplicated key
    good = tmp_path / "good.toml"
    good.write_text('[access]\nallowed_domains = ["northlincs.gov.uk"]\n', encoding="utf-8")
    problem = secrets_file_problem([str(tmp_path / "absent.toml"), str(good), str(broken)])
    assert problem and "secrets.toml cannot be read" in problem and "\n" not in problem
    assert secrets_file_problem([str(good), str(tmp_path / "absent.toml")]) is None
    assert access_from({}, problem).problem == problem


def test_email_domain_allow_list_is_exact_and_empty_allows_no_one():
    assert email_allowed("officer@northlincs.gov.uk", ["northlincs.gov.uk"])
    assert email_allowed("Officer@NorthLincs.gov.uk", ["northlincs.gov.uk"])
    assert not email_allowed("someone@gmail.com", ["northlincs.gov.uk"])
    assert not email_allowed("northlincs.gov.uk@evil.com", ["northlincs.gov.uk"])
    assert not email_allowed("a@evil.northlincs.gov.uk.example", ["northlincs.gov.uk"])
    assert not email_allowed("a@b@northlincs.gov.uk", ["northlincs.gov.uk"])
    assert not email_allowed(None, ["northlincs.gov.uk"])
    assert not email_allowed("anyone@example.org", [])


def test_the_provider_must_vouch_for_the_email():
    domains = ["northlincs.gov.uk"]
    assert identity_problem({"email": "o@northlincs.gov.uk", "email_verified": True}, domains) is None
    assert identity_problem({"email": "o@northlincs.gov.uk", "xms_edov": True}, domains) is None   # Entra ID
    for claims in ({}, {"email_verified": False}, {"email_verified": "false"}, {"email_verified": None}):
        problem = identity_problem({"email": "o@northlincs.gov.uk", **claims}, domains)
        assert problem and "not verified" in problem
    assert "domain is not allowed" in identity_problem({"email": "o@example.org", "email_verified": True}, domains)


# ------------------------------------------------------------------ meeting links
def _query(q: dict) -> dict[str, list[str]]:
    return {k: v if isinstance(v, list) else [v] for k, v in q.items()}


def test_meeting_link_round_trip_and_every_edit_refused():
    params = {"year": "2025/26", "phase": ["secondary", "primary"], "anon": "false"}
    query, expires = meeting.make(SECRET, params, hours=24, now=1_000_000)
    assert expires == 1_000_000 + 24 * 3600 and query["anon"] == "true"
    held = meeting.verify(SECRET, _query(query), now=1_000_001)
    assert held.params == {"year": ["2025/26"], "phase": ["primary", "secondary"]}

    def refused(q, now=1_000_001):
        with pytest.raises(meeting.MeetingLinkError) as err:
            meeting.verify(SECRET, _query(q), now=now)
        assert "\n" not in str(err.value)
        return str(err.value)

    assert "changed" in refused({**query, "phase": "primary"})                          # a filter widened
    assert "changed" in refused({**query, "la": "813"})                                 # a filter added
    assert "changed" in refused({**query, "phase": "primary|secondary"})                # two values passed as one
    later = str(expires + 7 * 24 * 3600) + query["meet"][query["meet"].index("."):]
    assert "changed" in refused({**query, "meet": later})                               # expiry extended
    assert "changed" in refused({**query, "meet": query["meet"][:-2] + "AA"})           # signature edited
    assert "not complete" in refused({k: v for k, v in query.items() if k != "meet"} | {"meet": ""})
    assert "not complete" in refused({**query, "meet": [query["meet"], query["meet"]]})
    assert "expired at" in refused(query, now=expires)                                  # time is up
    with pytest.raises(meeting.MeetingLinkError, match="changed"):
        meeting.verify("another server's secret!!", _query(query), now=1_000_001)
    with pytest.raises(meeting.MeetingLinkError, match="not available"):
        meeting.verify(None, _query(query), now=1_000_001)
    # Turning anonymity off in the URL changes nothing the link opens: anon is not what is checked.
    assert meeting.verify(SECRET, _query({**query, "anon": "false"}), now=1_000_001).params == held.params


def test_meeting_settings():
    assert meeting.secret_from({"auth": {"cookie_secret": SECRET}}) == SECRET
    assert meeting.secret_from({"meeting": {"secret": "m" * 20}, "auth": {"cookie_secret": SECRET}}) == "m" * 20
    assert meeting.secret_from({"meeting": {"secret": "short"}}) is None
    assert meeting.secret_from({}) is None
    assert meeting.hours_from({"meeting": {"expires_hours": 2}}) == 2
    assert meeting.hours_from({"meeting": {"expires_hours": -1}}) == meeting.DEFAULT_HOURS
    assert meeting.hours_from({}) == meeting.DEFAULT_HOURS


# ------------------------------------------------------------------ the app, headless
def _app(secrets: dict | None = None, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for k, v in (secrets or {}).items():
        at.secrets[k] = v
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    open_every_detail(at)                      # the share-link box and tables, as a user opening them
    assert not at.exception, [e.value for e in at.exception]
    return at


def _no_data(at: AppTest) -> None:
    assert not at.metric and not at.dataframe and not at.get("plotly_chart")


def test_without_sign_in_configured_the_app_is_open_on_this_computer_and_says_so(demo_lake):
    at = _app()
    assert any("Open access" in c.value and "this computer only" in c.value for c in at.sidebar.caption)
    assert at.title[0].value == "Overview"
    assert at.metric


@pytest.mark.parametrize("auth", [FLAT, NAMED], ids=["flat", "named-providers"])
def test_with_sign_in_configured_no_data_before_sign_in(demo_lake, auth):
    at = _app({"auth": auth, "access": ACCESS})
    labels = [b.label for b in at.button]
    assert labels == (["Sign in"] if auth is FLAT else ["Sign in with Microsoft", "Sign in with Google"])
    _no_data(at)


def test_sign_in_without_allowed_domains_shows_no_data_and_says_why(demo_lake):
    at = _app({"auth": NAMED})
    assert [e.value for e in at.error] and "allowed_domains" in at.error[0].value
    _no_data(at)
    assert not at.button


def test_signed_in_users_checked_for_domain_and_verified_email(demo_lake):
    for user, allowed in (({"email": "officer@northlincs.gov.uk", "email_verified": True}, True),
                          ({"email": "head@school.example.org", "email_verified": True}, False),
                          ({"email": "officer@northlincs.gov.uk"}, False)):
        at = AppTest.from_file(APP, default_timeout=90)
        at.secrets["auth"] = FLAT
        at.secrets["access"] = ACCESS
        at.user = {"is_logged_in": True, **user}
        at.run()
        assert not at.exception
        if allowed:
            assert at.title[0].value == "Overview" and at.metric
        else:
            assert at.error and [b.label for b in at.button] == ["Sign out"]
            _no_data(at)


def test_meeting_link_opens_anonymised_summary_without_an_account(demo_lake):
    query, _ = meeting.make(SECRET, {"year": "2025/26", "phase": "primary"})
    at = _app({"auth": FLAT, "access": ACCESS}, query)
    assert at.title[0].value == "Overview" and at.metric
    assert any("Anonymised mode" in s.value for s in at.success)
    anon = at.toggle(key="_meeting_anon")
    assert anon.value is True and anon.disabled
    assert any("Meeting link: anonymised and read-only" in c.value for c in at.sidebar.caption)
    assert not [b for b in at.button if b.label.startswith("Sign")]
    # Edited links: no data, one line saying why.
    for edit in ({"anon": "false", "meet": query["meet"][:-1] + "x"}, {"phase": "secondary"}):
        at = _app({"auth": FLAT, "access": ACCESS}, {**query, **edit})
        assert len(at.error) == 1 and "changed" in at.error[0].value
        _no_data(at)


def test_meeting_link_box_offers_an_anonymised_link_that_opens(demo_lake):
    at = _app({"meeting": {"secret": SECRET, "expires_hours": 2}})
    captions = " ".join(c.value for c in at.caption)
    assert "**Team link**" in captions and "**Meeting link** for a room of schools" in captions
    link = next(c.value for c in at.code if "meet=" in c.value)
    q = {k: v if len(v) > 1 else v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    assert q["anon"] == "true"
    held = meeting.verify(SECRET, {k: v if isinstance(v, list) else [v] for k, v in q.items()})
    assert 1.9 * 3600 < held.expires - __import__("time").time() <= 2 * 3600
    opened = _app({"meeting": {"secret": SECRET}}, q)
    assert any("**Meeting link**: opens this view anonymised" in c.value for c in opened.caption)


def test_without_a_secret_meeting_links_are_unavailable(demo_lake):
    at = _app()
    assert any("unavailable" in c.value for c in at.caption)
    assert not any("meet=" in c.value for c in at.code)


def test_start_script_serves_beyond_this_computer_only_with_complete_sign_in(tmp_path):
    """scripts/start.sh asks `python -m ui.auth` whether to bind to loopback: anything short of a
    complete sign-in set-up (no file, a broken file, no allowed domains) means this computer only."""
    root = Path(APP).parent
    secrets = tmp_path / "secrets.toml"

    def choice() -> str:
        out = subprocess.run([sys.executable, "-m", "ui.auth", str(secrets)], cwd=root, capture_output=True,
                             text=True, timeout=60, check=False)
        assert out.returncode == 0, out.stderr
        return out.stdout.strip()

    assert choice() == "local"                                           # no secrets file
    flat = "[auth]\n" + "".join(f'{k} = "{v}"\n' for k, v in FLAT.items())
    secrets.write_text(flat, encoding="utf-8")
    assert choice() == "local"                                           # no allowed domains
    secrets.write_text(flat + '[access]\nallowed_domains = ["northlincs.gov.uk"]\n', encoding="utf-8")
    assert choice() == "sign-in"
    secrets.write_text(flat + flat.splitlines()[1] + "\n", encoding="utf-8")   # a duplicated key
    assert choice() == "local"
    assert "--server.address 127.0.0.1" in (root / "scripts" / "start.sh").read_text()


def test_settings_streamlit_cannot_read_are_a_problem_not_open_access(tmp_path, demo_lake):
    """A secrets folder (the Kubernetes form) holding a stray file: Streamlit reads no secrets at
    all, which must not be taken for 'no sign-in configured'."""
    folder = tmp_path / "secrets"
    (folder / "auth").mkdir(parents=True)
    (folder / "auth" / "client_id").write_text("dashboard", encoding="utf-8")
    (folder / "stray.txt").write_text("x", encoding="utf-8")
    before = config.get_option("secrets.files")
    config.set_option("secrets.files", [str(folder)])
    try:
        at = AppTest.from_file(APP, default_timeout=90)
        at.run()
        assert not at.exception
        assert len(at.error) == 1 and "cannot be read" in at.error[0].value
        _no_data(at)
    finally:
        config.set_option("secrets.files", before)
        secrets_singleton._reset()
