"""Why the lake cannot be read. Its own module, so that `lake.store` and `lake.parquet`, which
both raise them, need not import each other."""


class LakeMissing(RuntimeError):
    """There is no lake at the configured path yet."""


class LakeDamaged(RuntimeError):
    """The lake file is there but cannot be read as a lake (damaged, emptied, not DuckDB)."""
