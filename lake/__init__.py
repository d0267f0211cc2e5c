"""The lake: a DuckDB store of returns and open data, and the read API the pages use."""
