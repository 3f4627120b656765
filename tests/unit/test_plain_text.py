"""Names people typed, made plain text for Streamlit's markdown and for Plotly's labels (scan.ui.plain)."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from scan.ui.plain import chart_literal, markdown_literal
from tests.helpers import as_seen, assert_no_markup


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
@example("[klik](http://x) $x^2$ :smile: :red[rood] :material/home: :streamlit: **vet** <b>x</b> \\")
@example("# kop\n- lijst\n1. een | tabel | ~~weg~~ www.example.org a@b.nl &amp;")
def test_any_text_shows_as_typed_and_nothing_in_it_is_markup(text):
    shown = markdown_literal(text)
    assert_no_markup(shown)
    assert as_seen(shown) == text.replace("\u2060", "")


def test_a_chart_label_is_never_read_as_a_tag():
    assert (
        chart_literal('<a href="http://x">klik</a> & <b>') == '&lt;a href="http://x"&gt;klik&lt;/a&gt; &amp; &lt;b&gt;'
    )
    assert chart_literal("Najaar 2026") == "Najaar 2026"
