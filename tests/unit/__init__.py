"""Unit tests, laid out as the package is: tests/unit/<package>/test_<module>.py, and
tests/unit/test_<module>.py for the top-level modules."""
