"""ETL for SENCO returns and official open data: read, normalise, validate, load."""
