"""A build session: the issues being built, the series catalog they resolve against,
and the order that keeps every printed page number true.

Issues are built in reference order (an issue that cites another is built after it).
An issue that cited one not yet laid out — two issues citing each other — is built
again once the other's pages are known, until nothing changes.

The session loads each issue once (:meth:`Session.load`) and keeps it until it is built:
ordering, resolving and rendering read the same parsed issue.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from zinekit.pipeline.catalog_entry import join_catalog
from zinekit.errors import Diagnostics
from zinekit.load import load_issue
from zinekit.model import Inventory, Issue, IssueResult
from zinekit.project import Project, is_issue
from zinekit.resolve.catalog import Catalog, CatalogIssue, load_inventory
from zinekit.resolve.grammar import parse_targets
from zinekit.resolve.inventory import is_provisional, make_inventory
from zinekit.resolve.references import RefContext, resolve
from zinekit.resolve.stage import context_for, open_catalog

MAX_PASSES = 3


@dataclass
class Session:
    """State shared by the issues of one build."""

    project: Project
    out_root: Path
    catalog: Catalog
    diagnostics: Diagnostics
    slugs: dict[int, str] = field(default_factory=dict)  # id(CatalogIssue) → slug
    planned: set[str] = field(default_factory=set)  # slugs whose PDF this build writes
    loaded: dict[Path, Issue] = field(default_factory=dict)  # by resolved path
    #: The theme folders' file digests, walked once a build (see reuse.input_files).
    folders_seen: dict[tuple[Path, str], dict[str, str]] = field(default_factory=dict)

    @classmethod
    def open(cls, project: Project, out_root: Path, diagnostics: Diagnostics) -> Session:
        data = project.file.data if project.file else None
        toml_path = project.file.path if project.file else None
        catalog = open_catalog(data, project.root, toml_path, diagnostics)
        return cls(project, out_root, catalog, diagnostics)

    # --- issues ---------------------------------------------------------------------

    def load(self, path: Path) -> Issue:
        """The issue at ``path``, parsed once while the session needs it, as the
        catalog lists it (:mod:`zinekit.pipeline.catalog_entry`)."""
        key = path.resolve()
        if key not in self.loaded:
            issue = load_issue(path, self.project.root, self.project.build)
            toml = self.project.file.path if self.project.file else None
            self.loaded[key] = join_catalog(issue, self.catalog_issue(issue), self.catalog, toml)
        return self.loaded[key]

    def listed(self) -> list[Issue]:
        """The issues the catalog lists with a ``source`` that is there."""
        return [self.load(e.source) for e in self.catalog.issues()
                if e.source is not None and is_issue(e.source)]

    def finish(self, issue: Issue, result: IssueResult) -> IssueResult:
        """``issue`` is built: its inventory is the one other issues resolve against, and
        it is not kept parsed any longer (a later pass loads it again)."""
        if result.inventory is not None:
            self.record(issue, result.inventory)
        self.loaded.pop(issue.path.resolve(), None)
        return result

    # --- inventories ---------------------------------------------------------------

    def inventory_path(self, slug: str) -> Path:
        return self.out_root / slug / f"{slug}.inventory.json"

    def catalog_issue(self, issue: Issue) -> CatalogIssue | None:
        return self.catalog.issue_for_source(issue.path) or \
            self.catalog.issue_for_source(issue.source_file)

    def record(self, issue: Issue, inventory: Inventory) -> None:
        """Make ``issue``'s inventory the one other issues resolve against."""
        entry = self.catalog_issue(issue)
        if entry is not None:
            self.catalog.add_inventory(entry, inventory)
            self.slugs[id(entry)] = issue.slug

    def register_sources(self) -> None:
        """Give every built-by-zinekit issue of the catalog an inventory: the one on
        disk if it is newer than the issue's files, else a provisional one."""
        for entry in list(self.catalog.issues()):
            if entry.source is None or not is_issue(entry.source):
                continue
            issue = self.load(entry.source)
            self.slugs[id(entry)] = issue.slug
            inventory = self.fresh_inventory(issue)
            self.catalog.add_inventory(entry, inventory or make_inventory(issue, None, None, None))

    def fresh_inventory(self, issue: Issue) -> Inventory | None:
        """The inventory of ``issue``'s last build, if it is newer than its files."""
        path = self.inventory_path(issue.slug)
        if not path.is_file():
            return None
        sources = [a.path for a in issue.articles] + [issue.source_file]
        if self.project.file is not None:
            sources.append(self.project.file.path)
        newest = max((p.stat().st_mtime for p in sources if p.exists()), default=0)
        if path.stat().st_mtime < newest:
            return None
        return load_inventory(path, Diagnostics())

    def is_real(self, entry: CatalogIssue) -> bool:
        return entry.source is None or not is_provisional(getattr(entry, "inventory", None))

    # --- links between issues --------------------------------------------------------

    def pdf_href_for(self, from_slug: str):
        """A function giving the relative address of a sibling issue's reading PDF."""

        def href(entry: CatalogIssue) -> str | None:
            slug = self.slugs.get(id(entry))
            if slug is None or slug == from_slug:
                return None
            if slug in self.planned or (self.out_root / slug / f"{slug}.pdf").is_file():
                return f"../{slug}/{slug}.pdf"
            return None

        return href

    # --- order ---------------------------------------------------------------------------

    def cited_sources(self, issue: Issue) -> list[CatalogIssue]:
        """The zinekit-built issues that ``issue`` refers to (an anthology: those its
        texts refer to, each resolved in its own issue, that issue included)."""
        if issue.meta.typed.include and not any(a.origin for a in issue.articles):
            from zinekit.anthology.expand import expand  # an anthology's texts
            issue = expand(issue, self.load, self.catalog, Diagnostics()).issue
        own = context_for(issue, self.catalog, None).issue
        contexts: dict[Path | None, RefContext] = {None: context_for(issue, self.catalog, None)}
        cited = []
        for article in issue.articles:
            if article.origin not in contexts and article.origin is not None:
                contexts[article.origin] = context_for(self.load(article.origin), self.catalog, None)
            context = contexts[article.origin]
            for xref in article.xrefs:
                for query in parse_targets(xref.text):
                    result = resolve(query, self.catalog, context)
                    target = (result.issue or context.issue) if result.ok else None
                    if target is not None and target.source is not None \
                            and target is not own and target not in cited:
                        cited.append(target)
        return cited

    def dependencies(self, targets: list[Path]) -> dict[Path, list[Path]]:
        """For each of ``targets``, the targets it cites."""
        if len(targets) < 2:  # an issue does not depend on itself
            return {t: [] for t in targets}
        loaded = {t: self.load(t) for t in targets}
        entry_of = {t: self.catalog_issue(i) for t, i in loaded.items()}
        deps = {}
        for t, issue in loaded.items():
            cited = self.cited_sources(issue)
            deps[t] = [s for s, e in entry_of.items() if e is not None and e in cited]
        return deps

    def order(self, targets: list[Path]) -> list[Path]:
        """``targets`` sorted so an issue comes after the issues it cites (cycles kept
        in their given order; the second pass settles them)."""
        return [t for level in self.levels(targets) for t in level]

    def levels(self, targets: list[Path],
               deps: dict[Path, list[Path]] | None = None) -> list[list[Path]]:
        """``targets`` in groups that can be built side by side: each issue is in a later
        group than every issue it cites, except where two cite each other (the later
        pass settles those).  Within a group, issues keep their reference order."""
        deps = self.dependencies(targets) if deps is None else deps
        level: dict[Path, int] = {}
        visiting: set[Path] = set()

        def visit(t: Path) -> None:
            if t in level or t in visiting:
                return
            visiting.add(t)
            for d in deps[t]:
                visit(d)
            visiting.discard(t)
            level[t] = 1 + max((level[d] for d in deps[t] if d in level), default=-1)

        for t in targets:
            visit(t)
        groups: list[list[Path]] = [[] for _ in range(max(level.values(), default=-1) + 1)]
        for t in level:  # in the order visited: reference order
            groups[level[t]].append(t)
        return groups

    def snapshot(self, cited: list[Path]) -> str:
        """What an issue's references depended on: the inventories of the issues it cites.
        (Asked twice per issue: found through the catalog's index, not by going through
        every issue of the library, which made a library's planning quadratic.)"""
        found = [self.catalog.issue_for_source(path) for path in cited]
        return json.dumps([getattr(e, "inventory", None) for e in found], sort_keys=True, default=str)
