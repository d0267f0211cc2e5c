"""The README documents what the code does."""
import re
from pathlib import Path

from domain.columns import markdown_table

ROOT = Path(__file__).resolve().parent.parent


def test_readme_column_table_is_generated_from_the_definition():
    text = (ROOT / "README.md").read_text()
    block = re.search(r"<!-- columns:start -->\n(.*?)\n<!-- columns:end -->", text, re.S)
    assert block, "README lost its column table markers"
    assert block.group(1).strip() == markdown_table().strip(), "run: python -m etl columns and paste into README"


def test_readme_commands_exist():
    text = (ROOT / "README.md").read_text()
    for script in re.findall(r"^(scripts/\S+\.sh)$", text, re.M):
        assert (ROOT / script).exists(), script
    assert (ROOT / ".ci" / "run").read_text().count("scripts/test.sh") == 1
