"""GIAS, the register of establishments: `edubasealldataYYYYMMDD.csv` from Get Information about
Schools (Windows-1252, dates DD-MM-YYYY, 01-01-1900 for "not known"), and the older GIAS-derived
DfE school names list (`urn,name,town,postcode,lead_school,open_date,close_date`).

The register decides which schools are in scope (lake.api): its type, type group, status, LA and
open and close dates are kept as published. Its contact details (head teacher's title, names and
preferred job title, telephone, website) are kept for the chase list (lake.chase); the register
publishes no email addresses.
"""
from __future__ import annotations

from etl.sources.reader import (
    Column,
    FileProblem,
    Parsed,
    Spec,
    Table,
    as_count,
    as_date,
    as_la_code,
    as_text,
    as_urn,
    fold,
    reject_duplicates,
    run,
)
from etl.sources.regions import la_lookup

SOURCE = "GIAS establishment download"
SOURCE_NAMES = "DfE school names list (GIAS-derived)"

# The header line of edubasealldataYYYYMMDD.csv as published in 2026 (the all-establishments download),
# for writing files in the published layout (the demo, test fixtures). Reading goes by SPEC, not order.
PUBLISHED_HEADER = tuple((
    "URN|LA (code)|LA (name)|EstablishmentNumber|EstablishmentName|TypeOfEstablishment (code)|"
    "TypeOfEstablishment (name)|EstablishmentTypeGroup (code)|EstablishmentTypeGroup (name)|"
    "EstablishmentStatus (code)|EstablishmentStatus (name)|ReasonEstablishmentOpened (code)|"
    "ReasonEstablishmentOpened (name)|OpenDate|ReasonEstablishmentClosed (code)|"
    "ReasonEstablishmentClosed (name)|CloseDate|PhaseOfEducation (code)|PhaseOfEducation (name)|"
    "StatutoryLowAge|StatutoryHighAge|Boarders (code)|Boarders (name)|NurseryProvision (name)|"
    "OfficialSixthForm (code)|OfficialSixthForm (name)|Gender (code)|Gender (name)|"
    "ReligiousCharacter (code)|ReligiousCharacter (name)|ReligiousEthos (name)|Diocese (code)|"
    "Diocese (name)|AdmissionsPolicy (code)|AdmissionsPolicy (name)|SchoolCapacity|SpecialClasses (code)|"
    "SpecialClasses (name)|CensusDate|NumberOfPupils|NumberOfBoys|NumberOfGirls|PercentageFSM|"
    "TrustSchoolFlag (code)|TrustSchoolFlag (name)|Trusts (code)|Trusts (name)|SchoolSponsorFlag (name)|"
    "SchoolSponsors (name)|FederationFlag (name)|Federations (code)|Federations (name)|UKPRN|"
    "FEHEIdentifier|FurtherEducationType (name)|LastChangedDate|Street|Locality|Address3|Town|"
    "County (name)|Postcode|SchoolWebsite|TelephoneNum|HeadTitle (name)|HeadFirstName|HeadLastName|"
    "HeadPreferredJobTitle|BSOInspectorateName (name)|InspectorateReport|DateOfLastInspectionVisit|"
    "NextInspectionVisit|TeenMoth (name)|TeenMothPlaces|CCF (name)|SENPRU (name)|EBD (name)|PlacesPRU|"
    "FTProv (name)|EdByOther (name)|Section41Approved (name)|SEN1 (name)|SEN2 (name)|SEN3 (name)|"
    "SEN4 (name)|SEN5 (name)|SEN6 (name)|SEN7 (name)|SEN8 (name)|SEN9 (name)|SEN10 (name)|SEN11 (name)|"
    "SEN12 (name)|SEN13 (name)|TypeOfResourcedProvision (name)|ResourcedProvisionOnRoll|"
    "ResourcedProvisionCapacity|SenUnitOnRoll|SenUnitCapacity|GOR (code)|GOR (name)|"
    "DistrictAdministrative (code)|DistrictAdministrative (name)|AdministrativeWard (code)|"
    "AdministrativeWard (name)|ParliamentaryConstituency (code)|ParliamentaryConstituency (name)|"
    "UrbanRural (code)|UrbanRural (name)|GSSLACode (name)|Easting|Northing|MSOA (name)|LSOA (name)|"
    "InspectorateName (name)|SENStat|SENNoStat|BoardingEstablishment (name)|PropsName|PreviousLA (code)|"
    "PreviousLA (name)|PreviousEstablishmentNumber|Country (name)|UPRN|SiteName|QABName (code)|"
    "QABName (name)|EstablishmentAccredited (code)|EstablishmentAccredited (name)|QABReport|CHNumber|"
    "MSOA (code)|LSOA (code)|FSM|AccreditationExpiryDate"
).split("|"))

# GIAS fills a "(name)" column it has no value for with one of these.
_NOT_A_VALUE = {"not applicable", "not known", "not recorded", "null"}


def as_person_text(v: object, label: str = "") -> str | None:
    """A contact field as published, or None for GIAS's placeholders ("Not applicable")."""
    s = as_text(v)
    return None if not s or s.lower() in _NOT_A_VALUE else s


def as_telephone(v: object, label: str = "") -> str | None:
    """The telephone number as text. A register saved through Excel loses the leading zero of a UK
    number (01724 ... becomes 1724...); it is put back, since every UK number starts with 0."""
    s = as_person_text(v)
    if s and s.isdigit() and len(s) == 10 and not s.startswith("0"):
        s = "0" + s
    return s


SPEC = Spec("GIAS establishment download (edubasealldataYYYYMMDD.csv)", (
    Column("urn", ("URN",), as_urn, required=True),
    Column("la_code", ("LA (code)", "LA code", "LA number", "LEA"), as_la_code, required=True),
    Column("la_name", ("LA (name)", "LA name")),
    Column("school_name", ("EstablishmentName", "Establishment name"), required=True),
    Column("school_type", ("TypeOfEstablishment (name)", "Type of establishment")),
    Column("type_group", ("EstablishmentTypeGroup (name)", "Establishment type group")),
    Column("status", ("EstablishmentStatus (name)", "Establishment status")),
    Column("phase_name", ("PhaseOfEducation (name)", "Phase of education")),
    Column("statutory_low_age", ("StatutoryLowAge", "Statutory low age"), as_count),
    Column("statutory_high_age", ("StatutoryHighAge", "Statutory high age"), as_count),
    Column("number_on_roll", ("NumberOfPupils", "Number of pupils"), as_count),
    Column("postcode", ("Postcode",)),
    Column("town", ("Town",)),
    Column("open_date", ("OpenDate", "Open date"), as_date),
    Column("close_date", ("CloseDate", "Close date"), as_date),
    Column("region", ("GOR (name)", "Region")),
    Column("head_title", ("HeadTitle (name)", "Head title"), as_person_text),
    Column("head_first_name", ("HeadFirstName", "Head first name"), as_person_text),
    Column("head_last_name", ("HeadLastName", "Head last name"), as_person_text),
    Column("head_job_title", ("HeadPreferredJobTitle", "Head preferred job title"), as_person_text),
    Column("telephone", ("TelephoneNum", "Telephone number"), as_telephone),
    Column("website", ("SchoolWebsite", "School website", "Website"), as_person_text),
))

# The register's contact details, as the lake's `schools` columns (lake.chase shows them).
CONTACT_COLUMNS = ("head_title", "head_first_name", "head_last_name", "head_job_title", "telephone", "website")

NAMES_SPEC = Spec("DfE school names list", (
    Column("urn", ("urn",), as_urn, required=True),
    Column("school_name", ("name", "school name"), required=True),
    Column("town", ("town",)),
    Column("postcode", ("postcode",)),
    Column("open_date", ("open_date",), as_date),
    Column("close_date", ("close_date",), as_date),
))

_PHASES = {"nursery": "nursery", "primary": "primary", "middledeemedprimary": "middle",
           "middledeemedsecondary": "middle", "secondary": "secondary", "allthrough": "all-through",
           "16plus": "16 plus"}


def gias_phase(phase: object, type_group: object, school_type: object) -> str | None:
    """The return's phase vocabulary from GIAS phase, type group and type of establishment."""
    t, g = fold(school_type), fold(type_group)
    if "pupilreferralunit" in t or "alternativeprovision" in t:
        return "alternative provision"
    if g == "specialschools" or "special" in t:
        return "special"
    return _PHASES.get(fold(phase))


def _named(rec: dict) -> list[str]:
    return [] if rec.get("school_name") else ["EstablishmentName is missing"]


def parse(table: Table) -> Parsed:
    if "establishmentname" not in table.keys and "name" in table.keys:
        return _parse_names(table)
    parsed = Parsed(source=SOURCE)
    good = run(SPEC, table, parsed, check=_named)
    good = reject_duplicates(parsed, table, good, lambda r: r["urn"], " in the register file")
    lookup = la_lookup()
    for r in good:
        rec = r.rec
        la_name, region = lookup.get(rec["la_code"], (None, None))
        rec["la_name"] = rec["la_name"] or la_name
        rec["region"] = rec["region"] or region
        rec["phase"] = gias_phase(rec.pop("phase_name"), rec["type_group"], rec["school_type"])
        rec["source"] = SOURCE
        parsed.schools.append(rec)
    parsed.accepted = len(good)
    return parsed


def _parse_names(table: Table) -> Parsed:
    parsed = Parsed(source=SOURCE_NAMES, school_mode="names")
    good = run(NAMES_SPEC, table, parsed, check=lambda rec: [] if rec.get("school_name") else ["name is missing"])
    good = reject_duplicates(parsed, table, good, lambda r: r["urn"], " in the names list")
    parsed.schools = [r.rec | {"source": SOURCE_NAMES} for r in good]
    parsed.accepted = len(good)
    return parsed


__all__ = ["CONTACT_COLUMNS", "NAMES_SPEC", "SOURCE", "SOURCE_NAMES", "SPEC", "FileProblem", "as_telephone", "gias_phase",
           "parse"]
