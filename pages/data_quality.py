"""Returns & data quality: who has not returned, rejected rows and why, load history,
uploading returns through the same loader as the command line, and the blank template."""
import importlib.util
import json
from dataclasses import replace

import pandas as pd
import streamlit as st

from etl.columns import dictionary_rows
from ui import charts, mapping, upload
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
    # A school that has not returned has no SENCO profile, so those filters cannot apply here.
    scope_filters = replace(v.filters, time_band=(), slt=(), role=())
    frame = v.api.school_year(scope_filters)
    missing = v.api.missing_returns(scope_filters)
    on_register = int(frame.on_register.astype(bool).sum()) if not frame.empty else 0
    received = on_register - len(missing)
    c1, c2, c3 = st.columns(3)
    c1.metric("Schools without a return", f"{len(missing):,}", border=True,
              help="Schools on the register in scope with no accepted return for the year.")
    c2.metric("Schools on the register in scope", f"{on_register:,}", border=True)
    c3.metric("Returns received from them", f"{received:,}", border=True)
    st.caption(f"{len(missing):,} of {on_register:,} schools in scope have not sent an accepted SENCO return for "
               f"{v.year}. A school whose rows were all rejected stays on this list until it sends a return "
               "that loads.")
    if v.filters.time_band or v.filters.slt or v.filters.role:
        st.caption("The SENCO profile filters are not applied here: a school that has not returned has no SENCO "
                   "profile yet.")
    if v.anonymised:
        st.info("The chase list names schools, so it is hidden in anonymised mode. Turn anonymised mode off to "
                "see and download it.", icon=":material/visibility_off:")
        return
    if missing.empty:
        st.success(f"Every school in scope has sent a return for {v.year}.", icon=":material/task_alt:")
        return
    table(missing, "Schools without a return", "chase", v,
          {"urn": "URN", "school_name": "School", "phase": "Phase", "school_type": "School type",
           "la_name": "Local authority"},
          caption="Download this list to email the schools still to return.")


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
    st.metric("Rows rejected", f"{len(rejects):,}", border=True,
              help=f"Rows for {v.year}, and rows whose academic year could not be read, that were kept out of "
                   "the returns with a reason.")
    if rejects.empty:
        st.success(f"No rows have been rejected for {v.year}.", icon=":material/task_alt:")
        return
    st.caption("Rejected rows are kept with their raw values and never loaded; the school can correct the row "
               "and send the file again. Rows whose academic year could not be read are shown under every year. "
               "Rows rejected from official data files are counted in the load history.")
    rejects = rejects.assign(
        problems=rejects.reasons.map(lambda text: "; ".join(upload.categories(text))),
        row_id=[f"{r.load_id}-{r.row_number}" for r in rejects.itertuples()])

    st.subheader("Rejects by reason")
    counts = upload.reason_counts(rejects)
    fig = charts.bars(counts, "Reason", "Rejected rows", "Rejected rows by reason", "Rejected rows",
                      text=counts["Rejected rows"].map(str))
    charts.show(fig, "rejects-by-reason", v, counts, "Rejected rows by reason",
                summary="A row with several problems counts under each of them.")

    st.subheader("Rows and reasons")
    if v.anonymised:
        table(rejects, "Rejected rows", "rejects", v,
              {"academic_year": "Academic year", "problems": "Problems", "loaded_at": "Loaded"})
        st.caption("Anonymised mode hides file names, URNs, school names, the reasons' own wording (it can quote "
                   "a URN or a value the school typed) and the raw values.")
        return
    table(rejects, "Rejected rows", "rejects", v,
          {"source_file": "File", "row_number": "Row", "urn": "URN", "school_name": "School",
           "academic_year": "Academic year", "reasons": "Reasons", "problems": "Problems", "loaded_at": "Loaded",
           "load_id": "Load"}, height=360)

    st.subheader("Raw values of one row")
    by_id = {r.row_id: r for r in rejects.itertuples()}

    def describe(row_id: str) -> str:
        r = by_id[row_id]
        urn = r.urn if isinstance(r.urn, str) and r.urn else "no URN"
        name = r.school_name if isinstance(r.school_name, str) and r.school_name else "no school name"
        return f"{r.source_file}, row {r.row_number} ({urn}, {name})"

    row_id = st.selectbox("Rejected row", list(by_id), key="row", bind="query-params", format_func=describe,
                          help="The row exactly as it was in the file, to compare with the reasons.")
    if row_id is None:
        return
    r = by_id[row_id]
    st.markdown("\n".join(f"- {upload.md_escape(reason)}" for reason in upload.split_reasons(r.reasons)))
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
    for p in previews:
        if p.will_load and p.rejected:
            title = f"{upload.md_escape(p.name)}: {upload.plural(p.rejected, 'row')} will be rejected, and why"
            with st.expander(title, expanded=len(previews) == 1):
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
