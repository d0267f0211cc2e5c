"""LAs are compared with one of England's nine regions, named as the register names them,
not with the performance tables' sub-regions ("North East A", "London Central")."""
import pytest

from etl.sources import england_region, la_lookup

NINE = {"North East", "North West", "Yorkshire and the Humber", "East Midlands", "West Midlands", "East of England",
        "London", "South East", "South West"}


@pytest.mark.parametrize("name, region", [
    ("North East A", "North East"), ("North West C", "North West"),
    ("North Yorkshire and The Humber", "Yorkshire and the Humber"),
    ("South and West Yorkshire", "Yorkshire and the Humber"), ("East Midlands B", "East Midlands"),
    ("West Midlands A", "West Midlands"), ("East of England B", "East of England"), ("London Central", "London"),
    ("  london   west ", "London"), ("South East D", "South East"), ("South West A", "South West"),
])
def test_sub_regions_fold_into_the_nine_regions(name, region):
    assert england_region(name) == region


def test_blank_and_unknown_names():
    assert england_region("") is None and england_region(None) is None
    assert england_region("Wales") == "Wales"          # not guessed: shown as given


def test_every_la_in_the_bundled_lookup_has_one_of_the_nine_regions():
    regions = {region for _, region in la_lookup().values()}
    assert regions == NINE
    north_lincs = la_lookup()[813]
    assert north_lincs == ("North Lincolnshire", "Yorkshire and the Humber")
