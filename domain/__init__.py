"""The domain's definitions, shared by etl, lake, ui and pages; imports none of them."""
