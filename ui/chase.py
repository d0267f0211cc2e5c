"""The chase list on the Returns & data quality page: who still owes a return, how to reach them,
the deadline, the officer's last-chased notes, and a mail-merge file (the lists: lake/chase.py)."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
import streamlit as st

from lake import chase, config
from lake.store import LakeDamaged
from ui import upload
from ui.context import View
from ui.export import column_source, csv_bytes, data_as_at, file_stem, notes_rows, xlsx_bytes
from ui.tables import download_context, table
from ui.text import md_escape

COLUMNS = {"urn": "URN", "school_name": "School", "phase": "Phase", "school_type": "School type",
           "la_name": "Local authority", "status": "Status", "reasons": "Reasons", "head_name": "Head teacher",
           "head_job_title": "Head's job title", "telephone": "Telephone", "website": "Website",
           "last_chased_on": "Last chased", "last_chased_note": "Last chased note"}
MAIL_MERGE_TITLE = "SENCO return chase mail merge"
NO_EMAIL = ("The register of schools (GIAS) publishes no email addresses: add each school's address from the "
            "LA's own contact list before merging.")


def today() -> dt.date:
    return dt.date.today()


def section(v: View) -> None:
    """Everything under the Chase list heading, for the year in view."""
    # A school that has not returned has no SENCO profile, so those filters cannot apply here.
    scope = replace(v, filters=replace(v.filters, time_band=(), slt=(), role=()))
    frame = v.api.school_year(scope.filters)
    listed = chase.chase_list(v.api, scope.filters)
    on_register = int(frame.on_register.astype(bool).sum()) if not frame.empty else 0
    received = on_register - len(listed)
    rejected = int((listed.status == chase.ALL_REJECTED).sum()) if not listed.empty else 0
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Schools without a return", f"{len(listed):,}", border=True,
              help="Schools on the register in scope with no accepted return for the year.")
    c2.metric("Of them, file received but every row rejected", f"{rejected:,}", border=True,
              help="The school sent a file, but none of its rows for the year could be loaded: it may think it "
                   "has returned. Its reasons are in the list and the mail merge.")
    c3.metric("Schools on the register in scope", f"{on_register:,}", border=True)
    c4.metric("Returns received from them", f"{received:,}", border=True)
    deadline = config.collection_deadline()
    latest = v.year == v.api.current_year()
    if latest:
        st.markdown(f"**{chase.deadline_text(deadline, today())}**")
    else:
        st.caption(f"{v.year} is not the latest collection; the deadline setting applies to the latest one.")
    st.caption(f"{len(listed):,} of {on_register:,} schools in scope have not sent an accepted SENCO return for "
               f"{v.year}. A school whose rows were all rejected stays on this list until it sends a return "
               "that loads.")
    if v.filters.time_band or v.filters.slt or v.filters.role:
        st.caption("The SENCO profile filters are not applied here: a school that has not returned has no SENCO "
                   "profile yet.")
    if v.anonymised:
        st.info("The chase list names schools, so it is hidden in anonymised mode. Turn anonymised mode off to "
                "see and download it.", icon=":material/visibility_off:")
        return
    if listed.empty:
        st.success(f"Every school in scope has sent a return for {v.year}.", icon=":material/task_alt:")
        return
    table(listed, "Schools without a return", "chase", scope, COLUMNS, height=360,
          caption="Rejected files first, then by name. Contact details are the register's (GIAS); the last "
                  "chased note is the newest one entered below.")
    mail_merge(listed, scope, deadline if latest else None)
    note_form(listed, scope)


def mail_merge(listed: pd.DataFrame, v: View, deadline: dt.date | None) -> None:
    st.subheader("Mail merge")
    st.caption("One row per school on the list: the head teacher's name and a salutation, the register's "
               "telephone and website, the deadline, and the school's own reasons (\"No return received\", or "
               f"why its rows were rejected). {NO_EMAIL}")
    merge = chase.mail_merge(listed, v.api, v.year, deadline)
    fresh, la_names = download_context(v)
    stem = file_stem(MAIL_MERGE_TITLE, v.year, v.filters, False, data_as_at(fresh), la_names)
    by_label = {label: name for name, label in chase.MAIL_MERGE_COLUMNS.items()}
    sources = {c: column_source(by_label.get(c, c)) for c in merge.columns}
    extra = [("Deadline", deadline.isoformat() if deadline else "Not set (SENCO_COLLECTION_DEADLINE)"),
             ("Email addresses", NO_EMAIL)]

    def workbook() -> bytes:
        return xlsx_bytes(merge, sheet="Mail merge",
                          notes=notes_rows(MAIL_MERGE_TITLE, v.year, v.filters, False, fresh, sources, la_names, extra))

    c1, c2, _ = st.columns([1, 1, 3])
    c1.download_button("Mail merge (CSV)", lambda: csv_bytes(merge), file_name=f"{stem}.csv", mime="text/csv",
                       key="chase-mailmerge-csv", icon=":material/mail:", on_click="ignore",
                       help="For Word's mail merge or an email tool: field names on row 1, one school a row.")
    c2.download_button("Mail merge (XLSX)", workbook, file_name=f"{stem}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key="chase-mailmerge-xlsx", icon=":material/mail:", on_click="ignore",
                       help="The same rows, with a Notes sheet: filters, data date, deadline and sources.")


def note_form(listed: pd.DataFrame, v: View) -> None:
    st.subheader("Record a chase")
    read_only = upload.upload_unavailable(v.api.reader)
    if read_only or not chase.notes_available(v.api):
        st.caption("Last-chased notes are entered on the server that loads returns; this one is read-only.")
        return
    said = st.session_state.pop("_chase_saved", None)
    if said:
        st.success(said, icon=":material/task_alt:")
    names = {int(r.urn): f"{r.school_name} ({int(r.urn)})" for r in listed.itertuples()}
    with st.form("chase-note", clear_on_submit=True, border=True):
        urn = st.selectbox("School chased", list(names), format_func=lambda u: names.get(u, str(u)),
                           key="chase-note-school", index=None, placeholder="Choose a school on the list")
        on = st.date_input("Date chased", value=today(), max_value=today(), format="DD/MM/YYYY",
                           key="chase-note-date")
        text = st.text_area("Note", max_chars=chase.MAX_NOTE_CHARS, key="chase-note-text",
                            placeholder="e.g. Phoned the school office; the SENCO will send it by Friday",
                            help="Kept in the lake with the date, for everyone who sees this list. Shown as plain "
                                 "text.")
        if not st.form_submit_button("Save the note", icon=":material/save:", type="primary"):
            return
    try:
        chase.record_note(getattr(v.api.reader, "path", None), urn, v.year, on, text, today=today())
    except chase.NoteProblem as exc:
        st.error(f"The note was not saved: {md_escape(exc)}.", icon=":material/error:")
        return
    except (LakeDamaged, OSError) as exc:
        st.error(f"The note was not saved and nothing changed: {md_escape(exc)}", icon=":material/error:")
        return
    st.session_state["_chase_saved"] = f"Saved the note for {md_escape(names.get(int(urn), urn))}."
    st.rerun()
