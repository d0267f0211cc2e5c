"""The "Meeting pack" button beside the share link: makes the pack for this view (python -m pack,
in a child process so a long build never blocks the app's server) and offers HTML and PDF downloads.

The app only starts the command; it never imports the pack (the pack consumes the pages).
"""
from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

import streamlit as st

ROOT = Path(__file__).resolve().parent.parent
STEP = re.compile(r"^\[(\d+)/(\d+)\] (.*)$")
TIMEOUT_S = 900


def _link(page_path: str) -> str:
    """This view's link: the page and every parameter now in its address (filters and the page's own)."""
    try:
        params = {k: st.query_params.get_all(k) for k in st.query_params}
    except Exception:     # noqa: BLE001 (no address to read)
        params = {}
    base = (st.context.url or "").split("?")[0].split("#")[0].rstrip("/") or f"/{page_path}"
    query = urlencode(params, doseq=True)
    return base + (f"?{query}" if query else "")


def _run(link: str, every_page: bool, pdf: bool, summary: bool = False) -> dict | None:
    folder = Path(tempfile.mkdtemp(prefix="senco-pack-"))
    html_out, pdf_out = folder / "meeting-pack.html", folder / "meeting-pack.pdf"
    cmd = [sys.executable, "-m", "pack", link, "--out", str(html_out)]
    cmd += ["--pages", "all"] if every_page else []
    cmd += ["--pdf", str(pdf_out)] if pdf else []
    cmd += ["--summary"] if summary else []
    bar = st.progress(0.0, text="Starting the meeting pack")
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL)
    for line in proc.stdout:
        m = STEP.match(line.strip())
        if m:
            done, total, message = int(m.group(1)), int(m.group(2)), m.group(3)
            bar.progress(min(done / max(total, 1), 1.0), text=f"{message} ({done} of {total} steps)")
    try:
        err = proc.communicate(timeout=TIMEOUT_S)[1]
    except subprocess.TimeoutExpired:
        proc.kill()
        err = "the pack took too long to build"
    bar.empty()
    if proc.returncode:
        lines = [ln for ln in (err or "").splitlines() if ln.strip()]
        st.error("The meeting pack could not be made: " + (lines[-1].removeprefix("error: ") if lines else
                                                             f"exit code {proc.returncode}"),
                 icon=":material/error:")
        return None
    html_file = pdf_out.with_suffix(".html") if summary else html_out
    return {"link": link, "html": html_file.read_bytes(), "summary": summary,
            "pdf": pdf_out.read_bytes() if pdf and pdf_out.exists() else None}


def _redraw_suffix() -> str:
    """A page may draw its header twice in one run (Schools redraws it into the same slot so its link
    carries the widgets' values); the second draw replaces the first, so it needs keys of its own."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx  # noqa: PLC0415 (inside the guard: no run)
        ctx = get_script_run_ctx()
        used = getattr(getattr(ctx, "shared", ctx), "widget_user_keys_this_run", None) or set()
    except Exception:     # noqa: BLE001 (no script run: a bare import)
        used = set()
    n = 0
    while f"_pack_make{n or ''}" in used:
        n += 1
    return str(n or "")


def offer_pack(page_path: str) -> None:
    """The meeting-pack controls, drawn inside the share-link box."""
    k = _redraw_suffix()
    st.markdown("**Meeting pack**")
    st.caption("One file to send ahead or leave behind: this view's charts (interactive, and working offline), "
               "their tables, definitions and sources, and this link, as HTML and as a PDF.")
    link = _link(page_path)
    every = st.checkbox("Every page, not just this one", key=f"_pack_every{k}", value=False)
    pdf = st.checkbox("Also make a PDF (takes longer)", key=f"_pack_pdf{k}", value=True)
    if st.button("Make meeting pack", key=f"_pack_make{k}", icon=":material/description:"):
        made = _run(link, every, pdf)
        if made:
            st.session_state["_pack_made"] = made
    summary = page_path == "schools" and "school" in st.query_params and st.button(
        "Make one-page school summary (PDF)", key=f"_pack_summary{k}", icon=":material/summarize:",
        help="The chosen school's profile on one A4 page, for a school visit.")
    if summary:
        made = _run(link, False, True, summary=True)
        if made:
            st.session_state["_pack_made"] = made
    made = st.session_state.get("_pack_made")
    if made and made["link"] == link:
        stem = ("school-summary" if made.get("summary") else "meeting-pack") + (
            "-anonymised" if "anon=true" in link else "")
        c1, c2 = st.columns(2)
        c1.download_button("Download pack (HTML)", made["html"], file_name=f"{stem}.html", mime="text/html",
                           key=f"_pack_html{k}", icon=":material/download:")
        if made["pdf"]:
            c2.download_button("Download pack (PDF)", made["pdf"], file_name=f"{stem}.pdf",
                               mime="application/pdf", key=f"_pack_pdf_dl{k}", icon=":material/download:")
