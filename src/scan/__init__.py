"""Kindcentrum Scan: the core, importable without Streamlit."""

__version__ = "0.1.0"
