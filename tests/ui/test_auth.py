"""Optional sign-in: open without configuration, gated and domain-checked with it."""
from pathlib import Path

from streamlit.testing.v1 import AppTest

from ui.auth import email_allowed

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def test_email_domain_allow_list():
    assert email_allowed("officer@northlincs.gov.uk", ["northlincs.gov.uk"])
    assert email_allowed("Officer@NorthLincs.gov.uk", ["northlincs.gov.uk"])
    assert not email_allowed("someone@gmail.com", ["northlincs.gov.uk"])
    assert not email_allowed("northlincs.gov.uk@evil.com", ["northlincs.gov.uk"])
    assert not email_allowed(None, ["northlincs.gov.uk"])
    assert email_allowed("anyone@example.org", [])          # no list: any signed-in user


def test_without_sign_in_configured_the_app_is_open_and_says_so(demo_lake):
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    assert not at.exception
    assert any("Open access" in c.value for c in at.sidebar.caption)
    assert at.title[0].value == "Overview"


def test_with_sign_in_configured_no_data_before_sign_in(demo_lake):
    at = AppTest.from_file(APP, default_timeout=90)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                          "client_id": "dashboard", "client_secret": "s",
                          "server_metadata_url": "https://login.example.org/.well-known/openid-configuration"}
    at.secrets["access"] = {"allowed_domains": ["northlincs.gov.uk"]}
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.metric and not at.dataframe


def test_deep_link_remembered_across_sign_in_is_ours_only():
    from ui.auth import return_target
    assert return_target("%2Fsenco-time%3Fyear%3D2025%252F26%26phase%3Dprimary") == (
        "senco-time", {"year": ["2025/26"], "phase": ["primary"]})
    assert return_target("/schools?school=117725") == ("schools", {"school": ["117725"]})
    assert return_target("https://evil.example/senco-time") is None
    assert return_target("//evil.example/x") is None
    assert return_target("/") is None and return_target(None) is None
