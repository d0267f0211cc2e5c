"""Which January census a file holds, from its name or as the user gives it."""
from __future__ import annotations

import re
from pathlib import Path

from etl.normalise import Invalid, parse_academic_year
from etl.sources.reader import FileProblem


def census_year_from_name(file_name: str) -> str | None:
    """'2018/19' from a name such as census_2019_england.csv (the January 2019 census),
    SEN_2019_Underlying_Data.csv or census_2018-19.csv; None when the name gives no single year."""
    stem = Path(file_name).stem
    years = set()
    for m in re.finditer(r"(?<!\d)(20\d{2})[-_/]?(\d{2})(?!\d)", stem):
        start, end = int(m[1]), int(m[2])
        if end == (start + 1) % 100:
            years.add(f"{start}/{end:02d}")
    if not years:
        for m in re.finditer(r"(?<!\d)(20\d{2})(?!\d)", stem):
            jan = int(m[1])
            years.add(f"{jan - 1}/{jan % 100:02d}")
    return years.pop() if len(years) == 1 else None


def normalise_census_year(value: str) -> str:
    s = str(value).strip()
    if re.fullmatch(r"20\d{2}", s):                # a census calendar year: January of it
        return f"{int(s) - 1}/{int(s) % 100:02d}"
    return parse_academic_year(s)


def census_year(file_name: str, given: str | None) -> str:
    """The census year given, else the one the file name carries; FileProblem when neither."""
    if given:
        try:
            return normalise_census_year(given)
        except Invalid as exc:
            raise FileProblem(f"census year: {exc}") from None
    year = census_year_from_name(file_name)
    if not year:
        raise FileProblem(
            f"cannot tell which January census '{file_name}' holds: put the census year in the "
            "file name (e.g. census_2019_england.csv for January 2019) or give the census year")
    return year
