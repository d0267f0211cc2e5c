"""The README documents what the code does."""
import re
from pathlib import Path

import pytest

from domain import columns, problems

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("marker", "definition"), [("columns", columns), ("codes", problems)])
def test_readme_tables_are_generated_from_their_definitions(marker, definition):
    """The return's columns and the problem codes: README's tables are the definitions' own output."""
    text = (ROOT / "README.md").read_text()
    block = re.search(rf"<!-- {marker}:start -->\n(.*?)\n<!-- {marker}:end -->", text, re.S)
    assert block, f"README lost its {marker} table markers"
    assert block.group(1).strip() == definition.markdown_table().strip(), \
        f"run: python -m etl {marker} and paste into README"


def test_readme_commands_exist():
    text = (ROOT / "README.md").read_text()
    for script in re.findall(r"^(scripts/\S+\.sh)$", text, re.M):
        assert (ROOT / script).exists(), script
    assert (ROOT / ".ci" / "run").read_text().count("scripts/test.sh") == 1
