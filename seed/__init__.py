"""Demo and load-test data: the article's district, reproducible."""
