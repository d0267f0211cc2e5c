"""The benchmark's protocol client (bench/protocol.py) opens a shared link as a browser does and
sees the page the server drew: run against the real app on the small test lake, so the tool the
ten-sessions figure rests on cannot quietly stop measuring the page."""
from __future__ import annotations

import asyncio
import concurrent.futures

import pytest

from bench.app_server import start_server, stop_server
from bench.protocol import open_session, sessions_at_once
from tests.lake.small_lake import build

LINK = "/senco_time?year=2025%2F26&phase=primary"


def run(coroutine):
    """Run the client's coroutine to its end in a thread of its own: a browser test earlier in the
    same pytest process leaves Playwright's event loop running in this one."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("protocol")
    log = folder / "streamlit.log"
    proc, url = start_server(build(folder / "senco.duckdb"), log, timeout=120)
    try:
        yield url, log
    finally:
        stop_server(proc)


def test_a_protocol_session_opens_the_shared_link_and_sees_its_charts(served):
    url, log = served
    s = run(open_session(url, LINK, timeout=120))
    assert s.status == "FINISHED_SUCCESSFULLY", s
    assert not s.exceptions
    # The page ran through app.py (its sidebar filters) with the link's query: SENCO time, primary only.
    assert s.headings[:2] == ["Filters", "SENCO time"]
    assert "Time against the SEND cohort" in s.headings and "Distribution" in s.headings
    assert s.charts >= 3
    assert 0 < s.first_chart <= s.finished
    assert "Traceback" not in log.read_text()


def test_a_link_to_a_page_that_does_not_exist_is_reported_not_taken_for_the_page(served):
    url, _ = served
    s = run(open_session(url, "/no_such_page?year=2025%2F26", timeout=120))
    assert s.page_not_found                       # the server drew its default page instead
    assert "Time against the SEND cohort" not in s.headings
    found = run(open_session(url, LINK, timeout=120))
    assert not found.page_not_found


def test_sessions_opened_at_once_each_draw_the_same_page(served):
    url, log = served
    sessions = run(sessions_at_once(url, LINK, 3, timeout=120))
    assert [s.status for s in sessions] == ["FINISHED_SUCCESSFULLY"] * 3
    assert len({tuple(s.headings) for s in sessions}) == 1
    assert len({s.charts for s in sessions}) == 1 and sessions[0].charts >= 3
    assert "Traceback" not in log.read_text()
