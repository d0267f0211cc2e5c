"""Online-form exports on the Upload returns tab: map the form's questions once, preview, load.

An export from Microsoft Forms, Google Forms or SurveyMonkey is recognised (etl.forms) and
taken out of the ordinary upload flow. For a form the lake has not seen, the page proposes
which return column each question answers and what each differently worded answer means;
the officer corrects any of them, sees every response's outcome row by row, and only then
saves the mapping and loads. An export of a form mapped before (next week's, next year's)
loads with the saved mapping straight away; the mapping can still be changed, and the
earlier version is kept in the lake's history.

The respondent's name and email are never shown (etl.forms leaves them out of every row).
"""
from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from domain.columns import COLUMN_BY_NAME, COLUMNS
from etl import forms
from etl.form_to_send import form_bytes
from lake import form_mappings
from ui import upload
from ui.context import View
from ui.tables import table
from ui.text import md_escape, plural

NOT_USED = "(not used)"
AS_WRITTEN = "(as written: the row is rejected if it cannot be read)"


def take_forms(files: list, v: View) -> list:
    """Show the mapping flow for each form export among the uploaded files; return the other files,
    for the ordinary upload flow."""
    rest = []
    for f in files:
        data = f.getvalue()
        export = _export(f.name, data)
        if export is None:
            rest.append(f)
            continue
        with st.container(border=True):
            _one_export(md_escape(f.name), f.name, data, export, v)
    return rest


def _export(name: str, data: bytes) -> forms.FormExport | None:
    cache = st.session_state.setdefault("_form_exports", {})
    key = (name, upload.sha256(data))
    if key not in cache:
        if len(cache) > 8:
            cache.clear()
        cache[key] = forms.read_export(data, name) if not upload.file_problem(name, len(data)) else None
    return cache[key]


def _lake_path(v: View):
    return getattr(v.api.reader, "path", None)


def _one_export(shown_name: str, name: str, data: bytes, export: forms.FormExport, v: View) -> None:

    sig = export.signature
    saved_all = forms.saved_mappings(reader=v.api.reader)
    saved = saved_all.get(sig)
    st.subheader(f"{shown_name}: a {export.kind} export")
    st.markdown(f"{plural(len(export.responses), 'response')} to {plural(len(export.questions), 'question')}. "
                "A form's export has the form's own questions as its columns, so each question is matched once to "
                "the return's column it answers; the mapping is kept, and the same form's exports load with it "
                "from then on.")
    if saved is not None:
        history = form_mappings.history(sig, reader=v.api.reader)
        when = f" (version {history[0]['version']}, saved {history[0]['saved_at']:%d/%m/%Y})" if history else ""
        st.success(f"This form was mapped before{when}: its responses load with that mapping, no mapping needed.",
                   icon=":material/link:")
        editing = st.toggle("Change the mapping for this form", key=f"form-edit-{sig}",
                            help="The changed mapping is used from now on; the earlier one is kept in the lake.")
        start = saved.for_export(export) if saved.signature != sig else saved
    else:
        st.info("This form has not been mapped before. Check the column proposed for each question below and "
                "correct any that are wrong, then check the preview: nothing loads until you confirm.",
                icon=":material/rule:")
        editing = True
        start = forms.propose(export, known=list(saved_all.values()))
    mapping = _editor(export, start, sig) if editing else start

    problems = mapping.problems()
    for p in problems:
        st.error(md_escape(p), icon=":material/block:")
    if problems:
        return
    outcome = _checked(name, data, export, mapping)
    st.markdown("**Preview: what loading would do, response by response**")
    if outcome.status == "failed":
        st.error(f"{shown_name} will not be loaded: {md_escape(outcome.message)}", icon=":material/block:")
        return
    rows = forms.preview_rows(export, outcome, mapping)
    superseded = sum(r["What happens"] == "superseded" for r in rows)
    st.markdown(f"**{plural(outcome.rows_read, 'response')} read: {plural(outcome.accepted, 'row')} "
                f"will load, {plural(outcome.rejected - superseded, 'row')} will be rejected, "
                f"{plural(superseded, 'earlier response')} superseded by the same school's later one.**")
    table(pd.DataFrame(rows).fillna(""), "Responses as return rows", f"form-preview-{sig}", v,
          caption="Row numbers are as the export shows them. A school that responded more than once is loaded "
                  "from its latest response; its earlier ones are kept as rejected rows that say so.")
    if outcome.ignored_headers:
        st.caption("Questions not used: " + md_escape("; ".join(outcome.ignored_headers)))
    earlier = upload.loaded_hashes(v.api.loads()).get(upload.sha256(data))
    if earlier is not None:
        st.info(f"This exact file was loaded before (load {earlier}): loading it again changes nothing, even with a "
                "changed mapping (which is still saved for the form's next export).", icon=":material/history:")
    verb = "Save the mapping and load" if editing else "Load"
    label = f"{verb} {plural(outcome.rows_read, 'response')} from {name}"
    if st.button(label, type="primary", key=f"form-load-{sig}-{upload.sha256(data)[:8]}", icon=":material/upload:"):
        with st.spinner("Loading ..."):
            try:
                outcomes = forms.load_forms([(name, data)], _lake_path(v), given=mapping)
            except Exception as exc:     # noqa: BLE001 - the loader is atomic: the lake is as it was
                st.error("The load failed and nothing was changed: " + md_escape(exc), icon=":material/error:")
                return
        st.session_state["_upload_outcomes"] = [replace(o, results=o.rejects) for o in outcomes]
        st.session_state["_upload_round"] = st.session_state.get("_upload_round", 0) + 1
        st.session_state.pop("_form_checks", None)
        st.rerun()
    with st.expander("Save this mapping as a file (for the command line)"):
        st.caption("python -m etl load --mapping FILE EXPORT loads an export with it; the lake keeps it too.")
        st.download_button("Download the mapping (JSON)", mapping.to_json().encode("utf-8"),
                           file_name="form-mapping.json", mime="application/json", key=f"form-json-{sig}",
                           icon=":material/download:")


def _column_label(name: str | None) -> str:
    return NOT_USED if name is None else COLUMN_BY_NAME[name].label


def _editor(export: forms.FormExport, start: forms.Mapping, sig: str) -> forms.Mapping:
    """One choice per question (which column it answers), then what each unreadable answer means."""
    st.markdown("**Which column of the return does each question answer?**")
    options = [None, *(c.name for c in COLUMNS)]
    by_key = {f.question: f for f in start.fields}
    fields: list[forms.FieldMap] = []
    for q in export.questions:
        f = by_key.get(q.key) or forms.FieldMap(q.key, q.text, None)
        examples = export.answers(q, split=False)[:4]
        sure = ("proposed: a good match" if f.score >= forms.SURE_AT else
                "proposed: check this one" if f.column else "no column proposed") if f.score < 1 else "saved earlier"
        hint = f"{sure}. " + ("Answers in this export: " + "; ".join(examples) if examples else "No answers yet.")
        column = st.selectbox(md_escape(q.text), options, index=options.index(f.column) if f.column in options
                              else 0, format_func=_column_label, key=f"form-col-{sig}-{q.key}",
                              help=md_escape(hint))
        values = dict(f.values) if column == f.column else forms.propose_values(export, q, column) if column else {}
        fields.append(forms.FieldMap(q.key, q.text, column, values, 1.0))
    # Answers our validation would not read as they are: say what each means.
    pending = [(q, fm) for q, fm in zip(export.questions, fields)
               if fm.column and COLUMN_BY_NAME[fm.column].kind in ("yesno", "enum")]
    asked = False
    for q, fm in pending:
        c = COLUMN_BY_NAME[fm.column]
        choices = ["yes", "no"] if c.kind == "yesno" else list(c.choices)
        for answer in export.answers(q, split=False):
            if not forms.needs_value(answer, fm.column) and answer not in fm.values:
                continue                               # read as it is
            if not asked:
                st.markdown("**What do these answers mean?** The form's wording differs from the return's.")
                asked = True
            default = fm.values.get(answer)
            opts = [AS_WRITTEN, *choices]
            chosen = st.selectbox(md_escape(f"{c.label}: '{answer}'"), opts,
                                  index=opts.index(default) if default in opts else 0,
                                  key=f"form-val-{sig}-{q.key}-{fm.column}-{upload.sha256(answer.encode())[:10]}")
            if chosen == AS_WRITTEN:
                fm.values.pop(answer, None)
            else:
                fm.values[answer] = chosen
    return forms.Mapping(export.kind, sig, fields)


def _checked(name: str, data: bytes, export: forms.FormExport, mapping: forms.Mapping):
    cache = st.session_state.setdefault("_form_checks", {})
    key = (name, upload.sha256(data), mapping.to_json())
    if key not in cache:
        if len(cache) > 16:
            cache.clear()
        cache[key] = forms.check_form(data, name, mapping, export=export)
    return cache[key]


def form_to_send() -> None:
    """The Template tab's download of the questions for an online form."""
    st.subheader("Collecting the return with an online form")
    st.markdown("If schools answer a Microsoft Forms or Google Forms form instead of the workbook, build the form "
                "from this list: the question texts, answer options and help text, in order. An export of a form "
                "built this way is recognised on upload with every question already matched.")
    st.download_button("Download the questions for an online form (TXT)", form_bytes(),
                       file_name="senco-return-online-form-questions.txt", mime="text/plain",
                       key="form-to-send", icon=":material/download:")
