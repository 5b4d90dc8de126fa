"""The parts of a web page an import changes before converting it: chrome, embeds,
footnotes and figures.  Each works on an lxml tree in place and reports what it did."""

from __future__ import annotations

import importlib
import re
from types import ModuleType
from typing import Any

from zinekit.errors import ZinekitError
from zinekit.importer.report import Report

EXTRA = "pip install 'zinekit[import]'"
CHROME_TAGS = ("script", "style", "noscript", "template", "nav", "form", "button", "svg",
               "input", "select", "textarea", "link", "meta")
CHROME_WORDS = re.compile(r"sign-?up|subscribe|newsletter|clap|recommend|related|share|social|"
                          r"follow|paywall|promo|cookie|banner|comments?\b|read-?next|more-from|"
                          r"sidebar|site-(?:header|footer)|breadcrumb|advert|author-card|byline|"
                          r"(?:post|article|entry)-meta", re.I)
CHROME_TEXT = re.compile(r"^\s*(?:\d+\s*min read|\d+\s*claps?|share|follow|sign up|listen)\b",
                         re.I)
EMBED_CLASSES = re.compile(r"twitter-tweet|instagram-media|tiktok-embed|embed", re.I)
BACKLINK = re.compile(r"^\s*[↩↑^]\s*$|^\s*back\s*$", re.I)


def require(module: str, package: str) -> ModuleType:
    """Import an optional converter, or stop with the one line that installs it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ZinekitError(f"error: importing this format needs {package}: {EXTRA}") from exc


def _text(el: Any) -> str:
    return " ".join(el.text_content().split())


def _short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _attached(el: Any, root: Any) -> bool:
    return any(ancestor is root for ancestor in el.iterancestors())


def _remove(el: Any) -> None:
    """Remove an element, keeping the text that follows it (its tail)."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail or ""
    previous = el.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(el)


# --- chrome -------------------------------------------------------------------------------


def drop_chrome(root: Any, report: Report, title: str | None = None) -> None:
    """Drop what belongs to the site, not the article, reporting each piece."""
    for el in list(root.iter()):
        if el is root or not _attached(el, root):
            continue  # the root itself, or already removed with an ancestor
        why = _chrome_reason(el, title)
        if why:
            text = _text(el)
            report.note(f"dropped {why}" + (f": {_short(text)!r}" if text else ""),
                        el.sourceline or 0, dropped=text)
            report.count("page parts dropped")
            _remove(el)


def _chrome_reason(el: Any, title: str | None) -> str:
    tag = el.tag if isinstance(el.tag, str) else ""
    if not tag:
        return ""
    if tag in CHROME_TAGS:
        return f"<{tag}>"
    if tag in ("header", "footer", "aside") and not _is_embed(el):
        return f"the page's <{tag}>"
    marks = " ".join(filter(None, (el.get("class"), el.get("id"), el.get("data-testid"))))
    if marks and CHROME_WORDS.search(marks) and not _is_embed(el) and tag not in ("article", "main"):
        return f"the site's <{tag} class={_short(marks, 30)!r}>"
    if tag in ("p", "span", "div") and len(el) <= 2 and CHROME_TEXT.match(_text(el)):
        return "the reading time and counters"
    if tag == "h1" and title and _text(el) == title.strip():
        return "the title (it is in the front matter)"
    return ""


# --- embeds -------------------------------------------------------------------------------


def _is_embed(el: Any) -> bool:
    return el.tag in ("iframe", "video", "audio", "embed", "object") or bool(
        el.tag == "blockquote" and EMBED_CLASSES.search(el.get("class") or ""))


def replace_embeds(root: Any, report: Report) -> None:
    """A tweet, video or frame → a quoted block with its text and its address."""
    from lxml.html import builder as E

    for el in [e for e in root.iter() if isinstance(e.tag, str) and _is_embed(e)]:
        if el.getparent() is None:
            continue
        address = _embed_address(el)
        paragraphs = [E.P(" ".join(p.text_content().split())) for p in el.iter("p")]
        rest = _text(el)
        for p in el.iter("p"):
            rest = rest.replace(_text(p), "", 1).strip()
        if rest:
            paragraphs.append(E.P(rest))
        label = el.get("title") or el.get("aria-label")
        if label and not paragraphs:
            paragraphs.append(E.P(label))
        if address:
            paragraphs.append(E.P(E.A(address, href=address)))
        quote = E.BLOCKQUOTE(*paragraphs)
        quote.tail = el.tail
        el.getparent().replace(el, quote)
        kind = "tweet" if "twitter" in (el.get("class") or "") else f"<{el.tag}>"
        report.note(f"embedded {kind} replaced by a quoted block with its text and address"
                    + (f" ({address})" if address else ""), el.sourceline or 0)
        report.count("embeds quoted")


def _embed_address(el: Any) -> str:
    for attr in ("src", "data-src", "data"):
        if el.get(attr):
            return el.get(attr)
    sources = el.xpath(".//source/@src")
    if sources:
        return sources[0]
    links = [a.get("href") for a in el.iter("a") if a.get("href", "").startswith("http")]
    return links[-1] if links else ""


# --- footnotes ----------------------------------------------------------------------------


def extract_footnotes(root: Any, report: Report) -> list[tuple[str, str]]:
    """Replace each footnote call by ``[^label]``; return (label, note HTML) pairs."""
    from lxml import html as lxml_html

    by_id = {el.get("id"): el for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    notes: list[tuple[str, str]] = []
    called: set[str] = set()
    labels: dict[str, int] = {}  # label → how many notes were given it or a variant
    for link in list(root.iter("a")):
        target = (link.get("href") or "")[1:] if (link.get("href") or "").startswith("#") else ""
        if not target or not _is_call(link):
            continue
        call = link.getparent() if link.getparent().tag == "sup" else link
        note = by_id.get(target)
        if note is None:
            report.warning(f"footnote call {_text(link)!r} points at #{target}, which is not on "
                           "the page; left as written", link.sourceline or 0)
            continue
        label = _unique_label(re.sub(r"\W+", "", _text(link)) or str(len(notes) + 1), labels)
        _replace_with_text(call, f"[^{label}]")
        if target not in called:
            notes.append((label, _note_html(note, lxml_html)))
            called.add(target)
    _remove_note_lists(root, by_id, called, report)
    report.count("footnotes", len(notes))
    return notes


def _unique_label(base: str, labels: dict[str, int]) -> str:
    """``base``, else ``base`` + "b", else ``base-3``, ``base-4`` … (a page of 5,000
    calls all marked "1" took minutes when each was compared with every earlier one)."""
    count = labels.get(base, 0)
    while True:
        count += 1
        candidate = base if count == 1 else base + "b" if count == 2 else f"{base}-{count}"
        if candidate not in labels:
            labels[base] = count
            labels.setdefault(candidate, 1)
            return candidate


def _is_call(link: Any) -> bool:
    parent = link.getparent()
    marks = " ".join(filter(None, (link.get("class"), link.get("role"), link.get("rel"))))
    return (parent is not None and parent.tag == "sup") or bool(
        re.search(r"footnote-ref|noteref|fnref", marks))


def _replace_with_text(el: Any, text: str) -> None:
    """Put a ``<span>`` of ``text`` in place of ``el`` (markdownify keeps its words):
    joining it to the text before would copy the paragraph so far once per call."""
    from lxml.html import builder as E

    previous = el.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "").rstrip()
    else:
        el.getparent().text = (el.getparent().text or "").rstrip()
    span = E.SPAN(text)
    span.tail = el.tail
    el.getparent().replace(el, span)


def _note_html(note: Any, lxml_html: Any) -> str:
    for a in list(note.iter("a")):
        if BACKLINK.match(_text(a)) or "backref" in (a.get("class") or "") or \
                (a.get("href") or "").startswith("#fnref"):
            _remove(a)
    inner = (note.text or "") + "".join(lxml_html.tostring(c, encoding="unicode") for c in note)
    return inner


def _remove_note_lists(root: Any, by_id: dict[str, Any], called: set[str], report: Report) -> None:
    containers = []
    for target in called:
        el = by_id[target]
        if el.getparent() is not None:
            containers.append(el.getparent())
            _remove(el)
    checked: set[int] = set()  # each list is looked at once all its notes are out of it
    for container in containers:
        while container is not None and container is not root and id(container) not in checked:
            checked.add(id(container))
            if _text(container):
                break
            parent = container.getparent()
            _remove(container)
            container = parent
    for el in root.xpath(".//*[contains(@class,'footnotes')]//li[@id]"):
        report.warning(f"footnote #{el.get('id')} has no call; kept as text where it is",
                       el.sourceline or 0)


def figures_as_images(root: Any, report: Report) -> None:
    """``<figure><img><figcaption>`` → a paragraph holding one image, captioned by its alt;
    an alt text that says something else than the caption is kept as the image's title."""
    from lxml.html import builder as E

    for figure in list(root.iter("figure")):
        img = next(figure.iter("img"), None)
        caption_el = next(figure.iter("figcaption"), None)
        if img is None:
            continue
        caption = _text(caption_el) if caption_el is not None else ""
        alt = " ".join((img.get("alt") or "").split())
        description = alt if caption and alt and alt != caption else ""
        if description:
            report.note(f"figure: its caption is the image's text (zinekit prints the alt text "
                        f"as the caption); its alt text {alt!r} is kept as the image's title",
                        img.sourceline or 0)
        src = img.get("src") or img.get("data-src") or ""
        if src.startswith(("http://", "https://", "//")):
            report.warning(f"image on the web: {src}; save it beside the Markdown and change "
                           "the address", img.sourceline or 0)
        else:
            report.note(f"image {src}: copy it into the project beside the Markdown",
                        img.sourceline or 0)
        image = E.IMG(src=src, alt=caption or alt)
        if description:
            image.set("title", description)
        paragraph = E.P(image)
        paragraph.tail = figure.tail
        figure.getparent().replace(figure, paragraph)
