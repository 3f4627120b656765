"""Text that people typed (their names, location, team and round names) shown as exactly that text.

Streamlit reads the body of st.markdown, st.write, st.caption, st.success and the like, and every widget
label, as markdown with extras of its own: :red[…] and other directives, :material/…: icons, emoji
shortcodes such as :smile:, :streamlit:, $…$ LaTeX, bare links. Elements that do not interpret markdown
(st.text, st.dataframe, the options of a selectbox or multiselect) need nothing; a typed name inside a
sentence of markdown goes through ``markdown_literal``, a name in a chart through ``chart_literal``.
"""

from __future__ import annotations

import html
import re

# Every ASCII punctuation character. CommonMark lets each be escaped with a backslash, and an escaped one is a
# plain character to the parser and to its extensions: links, emphasis, tables, remark-math's $ and
# remark-directive's :name[…]. Escaping the slash also keeps ":material/" out of the source, which Streamlit
# turns into an icon before it parses anything.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# Emoji shortcodes (remark-emoji) and the :streamlit: logo are looked for in the text after parsing, where the
# escapes are gone: an invisible word joiner after each colon keeps ":smile:" from being one there.
_WORD_JOINER = "\u2060"


def markdown_literal(text: str) -> str:
    """``text`` for a Streamlit markdown string or label: shown as typed, with no markup taking effect."""
    return _PUNCTUATION.sub(r"\\\1", text).replace(":", ":" + _WORD_JOINER)


def chart_literal(text: str) -> str:
    """``text`` for a Plotly label, which takes a few HTML tags (<b>, <br>, <a href=…>): with < > & written as
    entities, which Plotly shows as the characters again, a name is never read as a tag."""
    return html.escape(text, quote=False)
