"""The only part of the scan package that imports Streamlit: session glue, shared widgets, charts."""
