"""Returns & data quality: who has not returned, rejected rows and why, load history,
uploading returns through the same loader as the command line, and the blank template."""
import importlib.util
import json
from dataclasses import replace

import pandas as pd
import streamlit as st

from domain.columns import dictionary_rows
from ui import charts, chase, mapping, upload
from ui.layout import page_header
from ui.page import start_page
from ui.tables import table

TABS = ["Chase list", "Rejected rows", "Load history", "Upload returns", "Template"]
KIND_LABELS = {"returns": "SENCO returns", "gias": "Register of schools (GIAS)", "census": "School census counts",
               "ofsted": "Ofsted outcomes", "benchmarks": "National benchmarks", "demo": "Demo data"}

v = start_page("data_quality", header=False)   # the header is drawn above the tabs, with the tab in its link
header = st.container()
chase_tab, rejects_tab, history_tab, upload_tab, template_tab = st.tabs(TABS, key="tab", bind="query-params")
with header:
    page_header("Returns & data quality",
                "Which schools have not sent a SENCO return, which rows were rejected and why, every file loaded, "
                "and where to upload new returns and download the blank template.", v, "data_quality",
                {"tab": st.session_state.get("tab"), "row": st.session_state.get("row")})


def year_or_note() -> str | None:
    if not v.year:
        where = ("They are loaded on the loading server." if upload.upload_unavailable(v.api.reader)
                 else "Upload returns in the 'Upload returns' tab.")
        st.info(f"No SENCO returns are loaded yet, so there is no academic year to show. {where}",
                icon=":material/inbox:")
    return v.year


@st.cache_data(show_spinner=False)
def _template_workbook() -> bytes | None:
    return upload.template_file()


def template_workbook() -> bytes | None:
    # Not cached while etl.template is missing, so the download appears as soon as it is installed.
    return _template_workbook() if importlib.util.find_spec("etl.template") else None


def chase_list() -> None:
    st.header("Chase list")
    if not year_or_note():
        return
    chase.section(v)         # ui/chase.py: the list, contact details, deadline, notes and mail merge


def rejected_rows() -> None:
    st.header("Rejected rows")
    if not year_or_note():
        return
    rejects = v.api.rejects(v.year)
    # Rows rejected from official data files (register, census, Ofsted) are not a school's return; their
    # counts are in the load history.
    loads = v.api.loads()
    kinds = dict(zip(loads.load_id, loads.kind))
    rejects = rejects[rejects.load_id.map(kinds) == "returns"].reset_index(drop=True)
    done = upload.resolved(rejects)
    c1, c2, c3 = st.columns(3)
    c1.metric("Rows rejected", f"{len(rejects):,}", border=True,
              help=f"Rows for {v.year}, and rows whose academic year could not be read, that were kept out of "
                   "the returns with a reason.")
    c2.metric("Still open", f"{int((~done).sum()):,}", border=True,
              help="Rejected rows whose school has not since sent a return for the year that loaded.")
    c3.metric("Resolved by a later return", f"{int(done.sum()):,}", border=True,
              help="Rejected rows whose school and year have since had a return loaded. They are kept, "
                   "never deleted.")
    if rejects.empty:
        st.success(f"No rows have been rejected for {v.year}.", icon=":material/task_alt:")
        return
    st.caption("Rejected rows are kept with their raw values and never loaded; the school can correct the row "
               "and send the file again, and the row is then marked resolved. Rows whose academic year could not "
               "be read are shown under every year. Rows rejected from official data files are counted in the "
               "load history.")
    rejects = rejects.assign(
        code_list=rejects.codes.map(upload.codes_shown),
        reject_state=["resolved" if d else "open" for d in done],
        row_id=[f"{r.load_id}-{r.row_number}" for r in rejects.itertuples()])

    st.subheader("Rejects by code")
    counts = upload.code_counts(rejects)
    chart = counts[counts.Open > 0][["Code", "Open"]].rename(columns={"Open": "Open rejected rows"})
    if not chart.empty:
        fig = charts.bars(chart, "Code", "Open rejected rows", "Open rejected rows by code", "Rejected rows",
                          text=chart["Open rejected rows"].map(str), counts=True)
        charts.show(fig, "rejects-by-code", v, chart, "Open rejected rows by code",
                    summary="A row with several problems counts under each of its codes.")
    table(counts, "Rejected rows by code", "reject-codes", v,
          caption="Each code once, with what it means and what the school should do. A row with several "
                  "problems counts under each of its codes.")

    columns = {"source_file": "File", "row_number": "Row", "urn": "URN", "school_name": "School",
               "academic_year": "Academic year", "code_list": "Codes", "reasons": "Reasons", "loaded_at": "Loaded",
               "load_id": "Load"}
    resolved_columns = {**columns, "resolved_at": "Resolved on", "resolved_by_load": "Resolved by load",
                        "resolved_by_file": "Resolved by file"}
    if v.anonymised:
        # File names, URNs, school names, the reasons' wording (it can quote a URN or a typed value), raw
        # values and dates are hidden; the codes are fixed words.
        safe = {"academic_year": "Academic year", "code_list": "Codes", "reject_state": "Status"}
        table(rejects, "Rejected rows", "rejects", v, safe)
        st.caption("Anonymised mode hides file names, URNs, school names, the reasons' own wording (it can quote "
                   "a URN or a value the school typed) and the raw values.")
        return
    st.subheader("Open rejected rows")
    still_open = rejects[~done]
    if still_open.empty:
        st.success("Every rejected row has been resolved by a later return.", icon=":material/task_alt:")
    else:
        table(still_open, "Open rejected rows", "rejects", v, columns, height=360)
    st.subheader("Resolved rejected rows")
    if done.any():
        resolved_rows = rejects[done].assign(resolved_by_load=rejects[done].resolved_by_load.astype("Int64"))
        table(resolved_rows, "Resolved rejected rows", "rejects-resolved", v, resolved_columns, height=240,
              caption="Rows whose school and year have since had a return loaded: the load that resolved each "
                      "and when. Nothing is deleted.")
    else:
        st.caption("None yet: a rejected row is resolved when a later return for its school and year loads.")

    st.subheader("Raw values of one row")
    by_id = {r.row_id: r for r in rejects.itertuples()}

    def describe(row_id: str) -> str:
        r = by_id[row_id]
        urn = r.urn if isinstance(r.urn, str) and r.urn else "no URN"
        name = r.school_name if isinstance(r.school_name, str) and r.school_name else "no school name"
        return f"{r.source_file}, row {r.row_number} ({urn}, {name}; {r.reject_state})"

    row_id = st.selectbox("Rejected row", list(by_id), key="row", bind="query-params", format_func=describe,
                          help="The row exactly as it was in the file, to compare with the reasons.")
    if row_id is None:
        return
    r = by_id[row_id]
    st.markdown("\n".join(f"- `{p.code}` {upload.md_escape(p.message)}"
                          for p in upload.row_problems(r.problems, r.reasons)))
    try:
        raw_text = json.dumps(json.loads(r.raw_values), indent=2, ensure_ascii=False)
    except (TypeError, ValueError):
        raw_text = str(r.raw_values)
    st.caption("Values as received, by the file's own column headers:")
    st.code(raw_text, language="json", wrap_lines=True)


def load_history() -> None:
    st.header("Load history")
    fresh = v.api.lake_freshness()
    freshness = pd.DataFrame([{"Data": KIND_LABELS.get(kind, kind), "Last loaded": f["last_loaded"],
                               "Files loaded": f["files"]} for kind, f in fresh.items()],
                             columns=["Data", "Last loaded", "Files loaded"])
    table(freshness, "Freshness of the data", "freshness", v,
          caption="When each kind of data was last loaded into the lake.")

    loads = v.api.loads()
    if loads.empty:
        st.info("Nothing has been loaded yet.", icon=":material/inbox:")
        return
    loads = loads.assign(
        data=loads.kind.map(lambda k: KIND_LABELS.get(k, k)),
        sha_short=loads.sha256.astype(str).str[:12],
        balances=[("yes" if int(r.rows_read) == int(r.accepted) + int(r.rejected) else "NO")
                  for r in loads.itertuples()])
    read, accepted, rejected = int(loads.rows_read.sum()), int(loads.accepted.sum()), int(loads.rejected.sum())
    st.markdown(f"**{len(loads):,} files loaded: {read:,} rows read = {accepted:,} accepted + {rejected:,} "
                f"rejected.** Every row read is either accepted or kept as a rejected row.")
    columns = {"load_id": "Load", "data": "Data", "file_name": "File", "loaded_at": "Loaded",
               "rows_read": "Rows read", "accepted": "Accepted", "rejected": "Rejected",
               "balances": "Read = accepted + rejected", "status": "Status", "message": "Message",
               "sha_short": "SHA-256 (first 12)"}
    if v.anonymised:
        columns.pop("message")          # a message can quote a file's headers or sheet names
    table(loads, "Files loaded", "loads", v, columns, height=360,
          caption="Newest first. Loading the same file again changes nothing; a file that cannot be read is "
                  "recorded with its message.")
    if v.anonymised:
        st.caption("Anonymised mode hides file names and messages.")


def show_outcomes(outcomes: list) -> None:
    st.subheader("Result of the last load")
    changed = sum(o.status == "loaded" for o in outcomes)
    accepted = sum(o.accepted for o in outcomes)
    rejected = sum(o.rejected for o in outcomes)
    st.success(f"{upload.plural(len(outcomes), 'file')} handed to the loader: {changed} loaded, "
               f"{upload.plural(accepted, 'row')} accepted, {upload.plural(rejected, 'row')} rejected. The new data "
               "now shows on every page.", icon=":material/task_alt:")
    table(upload.outcome_table(outcomes), "Load result per file", "upload-result", v)
    for o in outcomes:
        notes = [*(f"Sheet not read as a return: {s}" for s in getattr(o, "other_sheets", [])),
                 *getattr(o, "batch_notes", [])]
        if notes:
            with st.expander(f"{upload.md_escape(o.file_name)}: notes"):
                st.markdown("\n".join(f"- {upload.md_escape(n)}" for n in notes))
        if o.rejects:
            with st.expander(f"{upload.md_escape(o.file_name)}: {upload.plural(len(o.rejects), 'row')} rejected"):
                table(upload.reject_table(o), f"Rejected rows, load {o.load_id}", f"upload-result-{o.load_id}", v)


def upload_returns() -> None:
    st.header("Upload returns")
    read_only = upload.upload_unavailable(v.api.reader)
    if read_only:
        st.info(read_only, icon=":material/cloud_off:")
        return
    if v.anonymised:
        st.info("Uploading is switched off in anonymised mode, which is for showing data to a room of schools. "
                "Turn anonymised mode off to upload returns.", icon=":material/visibility_off:")
        return
    st.markdown(f"Upload SENCO return files as schools sent them (CSV, XLSX or XLS, up to {upload.MAX_UPLOAD_MB} MB "
                "each). You will see what will load and what will be rejected before anything changes. "
                "Loading uses the same loader as the command line: the whole batch loads in one step, and a "
                "new return for a school and year replaces the earlier one.")
    round_no = st.session_state.get("_upload_round", 0)
    files = st.file_uploader("SENCO return files", type=list(upload.ALLOWED_EXTENSIONS), accept_multiple_files=True,
                             key=f"upload-{round_no}", max_upload_size=upload.MAX_UPLOAD_MB,
                             help=f"CSV, XLSX or XLS; several files at once; at most {upload.MAX_UPLOAD_MB} MB each.")
    last = st.session_state.get("_upload_outcomes")
    if last and not files:
        show_outcomes(last)
    if not files:
        return
    st.session_state.pop("_upload_outcomes", None)
    files = mapping.take_forms(files, v)    # online-form exports are mapped, previewed and loaded in ui/mapping.py
    if not files:
        return
    cache = st.session_state.setdefault("_upload_checks", {})
    with st.spinner("Checking the files ..."):      # each in a child process with memory and time limits
        previews = upload.preview_files([(f.name, f.getvalue()) for f in files],
                                        upload.loaded_hashes(v.api.loads()), cache=cache, isolated=True)
    for key in [k for k in cache if k not in {(p.name, p.sha256) for p in previews}]:
        del cache[key]

    st.subheader("Check before loading")
    loading = upload.to_load(previews)
    will_load = sum(p.accepted for p in previews if p.will_load)
    will_reject = sum(p.rejected for p in previews if p.will_load)
    st.markdown(f"**{len(loading)} of {upload.plural(len(previews), 'file')} will load: "
                f"{upload.plural(will_load, 'row')} accepted, {upload.plural(will_reject, 'row')} rejected.**")
    table(upload.preview_summary(previews), "Uploaded files", "upload-preview", v)
    for p in previews:
        if not p.readable:
            st.error(f"**{upload.md_escape(p.name)}** will not be loaded: {upload.md_escape(p.problem)}",
                     icon=":material/block:")
    for p in previews:
        if p.batch_notes:
            with st.expander(f"{upload.md_escape(p.name)}: {upload.plural(len(p.batch_notes), 'school')} also in an "
                             "earlier file of this upload, and which row wins"):
                st.markdown("\n".join(f"- {upload.md_escape(n)}" for n in p.batch_notes))
    one = len(previews) == 1
    for p in previews:
        if not p.will_load:
            continue
        if p.accepted and p.accepted_rows is not None:
            with st.expander(f"{upload.md_escape(p.name)}: {upload.plural(p.accepted, 'row')} will load",
                             expanded=one):
                shown = len(p.accepted_rows)
                table(p.accepted_rows, "Rows that will load", f"upload-accepted-{p.sha256[:12]}", v,
                      caption="Each row as it will be loaded, after the conversions below"
                              + (f"; the first {shown:,} of {p.accepted:,} rows." if shown < p.accepted else "."))
        if p.conversions is not None and not p.conversions.empty:
            n = len(p.conversions)
            with st.expander(f"{upload.md_escape(p.name)}: {upload.plural(n, 'value')} will be converted",
                             expanded=one):
                table(p.conversions, "Conversions", f"upload-conversions-{p.sha256[:12]}", v,
                      caption="Every value that loads as something other than what was typed (days into hours at "
                              "the configured school day, answers into yes or no, years written as 2025/26), "
                              "and the rows that will load with it.")
        if p.rejected:
            title = f"{upload.md_escape(p.name)}: {upload.plural(p.rejected, 'row')} will be rejected, and why"
            with st.expander(title, expanded=one):
                table(upload.reject_code_counts(p.outcome), "Rejects by code", f"upload-codes-{p.sha256[:12]}", v)
                table(upload.reject_table(p.outcome), "Rows to be rejected",
                      f"upload-rejects-{p.sha256[:12]}", v,
                      caption="Row numbers are as the file shows them. The rows are kept with their raw values; "
                              "the school can correct them and send the file again.")
    label = f"Load {len(loading)} file{'' if len(loading) == 1 else 's'} into the lake"
    if st.button(label, type="primary", disabled=not loading, key="load-returns", icon=":material/upload:"):
        with st.spinner("Loading ..."):
            try:
                outcomes = upload.load_files(loading, getattr(v.api.reader, "path", None), isolated=True)
            except Exception as exc:     # the loader is atomic: the lake is as it was
                st.error("The load failed and nothing was changed: " + upload.md_escape(exc),
                         icon=":material/error:")
                return
        # Keep only what the report shows: the counts and the rejected rows.
        st.session_state["_upload_outcomes"] = [replace(o, results=o.rejects) for o in outcomes]
        st.session_state["_upload_round"] = round_no + 1
        st.session_state.pop("_upload_checks", None)
        st.rerun()


def template() -> None:
    st.header("Template")
    st.markdown("The blank SENCO return workbook schools fill in: one workbook is one school's return for one "
                "academic year, with dropdowns for the fixed choices and guidance beside every field. Filled-in "
                "workbooks load as they are.")
    data = template_workbook()
    if data is None:
        st.info("The template workbook is not available in this installation yet.", icon=":material/hourglass:")
    else:
        st.download_button("Download the blank SENCO return (XLSX)", data, file_name="senco-return-template.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           key="template-xlsx", icon=":material/download:", type="primary")
    mapping.form_to_send()
    st.subheader("Data dictionary")
    st.caption("The return's columns: CSV files use the column names as headers; the workbook uses the labels. "
               "Either is accepted, with case, spaces and punctuation ignored.")
    table(pd.DataFrame(dictionary_rows()), "Data dictionary", "dictionary", v)


for tab, draw in ((chase_tab, chase_list), (rejects_tab, rejected_rows), (history_tab, load_history),
                  (upload_tab, upload_returns), (template_tab, template)):
    if tab.open is not False:
        with tab:
            draw()
