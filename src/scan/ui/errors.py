"""When something breaks that nobody foresaw: a calm message with an error id, the traceback in the log.

Streamlit itself shows no error details (``client.showErrorDetails = "none"`` in .streamlit/config.toml).
On top of that the page run (``run_page``) and every widget callback (``guarded``) catch what escapes: the
person sees, in their language, that something went wrong and a short error id to pass on; the server log
holds the full traceback under that id. With SCAN_DEV=1 (development, the AppTests) the details are shown
as well.

Streamlit's own control flow (st.stop, st.rerun, st.switch_page) raises ScriptControlException, a
BaseException and not an Exception: it passes through untouched, as do KeyboardInterrupt and SystemExit.
"""

from __future__ import annotations

import functools
import logging
import os
import secrets
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, Protocol, TypeVar

import streamlit as st

DEV_SWITCH = "SCAN_DEV"
MESSAGE_KEY = "app.unexpected_error"
# Used only when the localised text itself cannot be had (the locale files are what broke).
FALLBACK_MESSAGE = "Er ging iets mis. Foutcode: {error_id}"
LOG = logging.getLogger("scan.errors")

P = ParamSpec("P")
R = TypeVar("R")


class Runnable(Protocol):
    def run(self) -> None: ...


def development() -> bool:
    """Details in the browser only when a developer asks for them."""
    return os.environ.get(DEV_SWITCH, "").strip() == "1"


def new_error_id() -> str:
    """Short enough to read out on the phone, long enough not to repeat in a server's log: 8 hex characters."""
    return secrets.token_hex(4)


def _ensure_log_handler() -> None:
    """The traceback must land somewhere: without any logging configuration, write to standard error."""
    if not logging.getLogger().handlers and not LOG.handlers and not logging.getLogger("scan").handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logging.getLogger("scan").addHandler(handler)


def report_error(error: Exception, where: str) -> str:
    """Log the traceback under a new error id and show the calm message with that id. Returns the id."""
    error_id = new_error_id()
    _ensure_log_handler()
    LOG.error("error id %s: unexpected %s in %s", error_id, type(error).__name__, where, exc_info=error)
    try:
        from scan.ui.i18n import t  # here, not at the top: i18n guards its own callback with this module

        message = t(MESSAGE_KEY, error_id=error_id)
    except Exception:
        message = FALLBACK_MESSAGE.format(error_id=error_id)
    try:
        st.error(message, icon=":material/report:")
        if development():
            st.exception(error)
    except Exception:  # nothing more can be shown (no script run): the log has it
        LOG.exception("error id %s: the message could not be shown", error_id)
    return error_id


@contextmanager
def reported(where: str) -> Iterator[None]:
    """A block of a script run (app.py's sign-in, the sidebar) whose unexpected error shows the calm message."""
    try:
        yield
    except Exception as error:
        report_error(error, where)


def run_page(page: Runnable) -> None:
    """Run the page that st.navigation chose; an unexpected error ends the page with the calm message."""
    with reported(f"page {getattr(page, 'url_path', None) or getattr(page, 'title', '?')}"):
        page.run()


def guarded(callback: Callable[P, R]) -> Callable[P, R | None]:
    """A widget callback (on_click, on_change) that cannot show a traceback: use as a decorator or wrapper."""

    @functools.wraps(callback)
    def run(*args: P.args, **kwargs: P.kwargs) -> R | None:
        try:
            return callback(*args, **kwargs)
        except Exception as error:
            report_error(error, f"callback {getattr(callback, '__qualname__', callback)!s}")
            return None

    return run
