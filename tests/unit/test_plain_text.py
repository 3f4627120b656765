"""Names people typed, made plain text for Streamlit's markdown and for Plotly's labels (scan.ui.plain)."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from scan.ui.plain import chart_literal, markdown_literal

_PUNCTUATION = r"[!-/:-@\[-`{-~]"


def parsed_text(markdown: str) -> str:
    """The text a markdown parser makes of a text without markup: backslash escapes undone."""
    return re.sub(r"\\(" + _PUNCTUATION + ")", r"\1", markdown)


def as_seen(markdown: str) -> str:
    """What a reader sees of it: the invisible word joiners are not seen."""
    return parsed_text(markdown).replace("\u2060", "")


def assert_no_markup(markdown: str) -> None:
    """None of what Streamlit's markdown would act on (checked against its front end, 1.67): every ASCII
    punctuation character is backslash-escaped, so CommonMark, GFM links, remark-math's $ and remark-directive's
    :name[...] see plain characters; no :word: remains in the parsed text (the emoji and :streamlit: plugins
    look there, after the escapes are gone); and no :material/ in the source (replaced before parsing)."""
    assert not re.search(_PUNCTUATION, re.sub(r"\\" + _PUNCTUATION, "", markdown)), markdown
    assert not re.search(r":[\w+-]+:", parsed_text(markdown)), markdown
    assert ":material/" not in markdown, markdown


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
