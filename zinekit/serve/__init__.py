"""``zinekit serve``: a live preview of an issue in the browser, rebuilt on save.

:mod:`.preview` rebuilds one issue's screen HTML and keeps the last good page;
:mod:`.watch` watches the files it was built from; :mod:`.server` answers the browser;
:mod:`.pdf` builds the PDFs the preview links to.
"""

from __future__ import annotations

from zinekit.serve.server import PreviewServer, serve

__all__ = ["PreviewServer", "serve"]
