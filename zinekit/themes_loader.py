"""Themes: folders with a ``theme.toml`` manifest, templates, print CSS and fonts.

A theme may ``extends`` another; files are looked up in the project's own ``theme/``
folder first (so a user can override one template or stylesheet), then the theme, then
its parents.  Built-in themes ship inside the package as ``zinekit.themes``.
"""

from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from zinekit.errors import ZinekitError, display_path
from zinekit.filecache import FileCache, user_cache
from zinekit.locale import ENGLISH
from zinekit.safety.limits import check_css_file, refuse_irregular, toml_loads

PROJECT_OVERRIDE_FOLDER = "theme"


def builtin_themes_folder() -> Path:
    """The themes zinekit ships: the folder of the ``zinekit.themes`` package (found as
    :mod:`importlib.resources` would, without loading it at every start)."""
    import zinekit.themes

    return Path(zinekit.themes.__file__).parent


@dataclass
class Theme:
    """A resolved theme: its folders in search order and its merged manifest."""

    name: str
    folders: list[Path]  # most specific first (project override, theme, parents)
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def defaults(self) -> dict[str, Any]:
        return self.manifest.get("defaults", {})

    def find(self, relative: str) -> Path | None:
        for folder in self.folders:
            candidate = folder / relative
            if candidate.exists():
                return contained(candidate, folder)
        return None

    def stylesheets(self, medium: str = "print") -> list[Path]:
        """The CSS files for ``print`` or ``screen``, parents' first, overrides applied."""
        names = self.manifest.get("stylesheets", {}).get(medium, [])
        found = []
        for name in names:
            path = self.find(f"css/{name}")
            if path is None:
                raise ZinekitError(f"theme {self.name!r}: stylesheet css/{name} not found")
            found.append(checked_stylesheet(path))
        return found

    def fonts(self) -> list[Path]:
        seen: dict[str, Path] = {}
        for folder in reversed(self.folders):
            for font in sorted((folder / "fonts").glob("*.[ot]tf")):
                seen[font.name] = contained(font, folder)
        return list(seen.values())

    def jinja_env(self) -> jinja2.Environment:
        """The theme's Jinja2 environment, kept while its template folders hold the same
        files, so templates are compiled once (Jinja recompiles one whose file changed)."""
        template_dirs = [str(f / "templates") for f in self.folders if (f / "templates").is_dir()]
        key = (tuple(template_dirs), tuple(_template_names(d) for d in template_dirs))
        env = _ENVIRONMENTS.get(key)
        if env is None:
            env = template_environment(template_dirs, ["html", "xhtml", "xml"])
            _ENVIRONMENTS[key] = env
        return env


_ENVIRONMENTS: dict[tuple, jinja2.Environment] = {}

#: The largest string, list or number a template may make with ``*`` or ``**``.
MAX_TEMPLATE_PRODUCT = 1_000_000


def template_environment(folders: list[str], autoescape: list[str]) -> jinja2.Environment:
    """A sandboxed environment over the template ``folders``: a theme is a file of the
    project, as untrusted as its Markdown (see :class:`ThemeSandbox`)."""
    env = ThemeSandbox(
        loader=_ContainedLoader(folders),
        autoescape=jinja2.select_autoescape(autoescape),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=compiled_templates(),
    )
    env.globals.update(ENGLISH.template_globals())  # a render passes the language's
    return env


def compiled_templates() -> jinja2.BytecodeCache | None:
    """Where compiled templates are kept between runs (Jinja compiles a theme's templates
    again only when their text changes): the user's cache folder, as for the build's other
    per-user files; none when it cannot be made."""
    folder = user_cache() / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


class ThemeSandbox(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox: no attribute starting with ``_``, no function
    internals, no mutation of what zinekit hands the templates, and products
    (``'x' * n``, ``n ** m``) bounded.  Whatever goes wrong in a template — a syntax
    error, a refused attribute, an undefined name — is raised as a
    :class:`ZinekitError` at the template's file and line."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """``*`` and ``**`` whose result would be too large are refused."""
        if operator == "**" and isinstance(left, int) and isinstance(right, int) and \
                abs(left) > 1 and right * max(abs(left), 2).bit_length() > 64:
            raise jinja2.sandbox.SecurityError("the power is too large")
        if operator == "*" and _product_size(left, right) > MAX_TEMPLATE_PRODUCT:
            raise jinja2.sandbox.SecurityError("the product is too large")
        return super().call_binop(context, operator, left, right)

    def _parse(self, source: str, name: str | None, filename: str | None) -> Any:
        """Jinja's parser recurses once per level of brackets: refuse deep nesting first."""
        line = _too_deep(source)
        if line:
            raise jinja2.TemplateSyntaxError(f"brackets nested more than {MAX_TEMPLATE_NESTING} "
                                             "levels deep", line, name, filename)
        return super()._parse(source, name, filename)

    def handle_exception(self, source: str | None = None) -> Any:
        """Jinja's hook for every error of a template (compiling or rendering)."""
        try:
            return super().handle_exception(source)
        except ZinekitError:
            raise
        except Exception as exc:  # noqa: BLE001 - every template error is the theme's
            raise template_error(exc) from None


#: Brackets of a template nested deeper than this are refused before Jinja parses them.
MAX_TEMPLATE_NESTING = 40
_BRACKET = re.compile(r"[\[({\])}\n]")


def _too_deep(source: str) -> int:
    """The line where brackets first nest past :data:`MAX_TEMPLATE_NESTING`, or 0."""
    depth, line = 0, 1
    for m in _BRACKET.finditer(source):
        char = m.group(0)
        if char == "\n":
            line += 1
        elif char in "[({":
            depth += 1
            if depth > MAX_TEMPLATE_NESTING:
                return line
        else:
            depth = max(depth - 1, 0)
    return 0


def _product_size(left: Any, right: Any) -> int:
    """How long ``left * right`` is when it repeats a string or a list (else 0)."""
    sequences = [len(v) for v in (left, right) if isinstance(v, (str, list, tuple))]
    counts = [abs(v) for v in (left, right) if isinstance(v, int) and not isinstance(v, bool)]
    return sequences[0] * counts[0] if sequences and counts else 0


def template_error(exc: BaseException) -> ZinekitError:
    """``theme/templates/x.html:LINE: error: …`` for an exception a template raised."""
    where = _template_frame(exc)
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        where = (exc.filename, exc.lineno)
    kind = {jinja2.TemplateSyntaxError: "template syntax error",
            jinja2.sandbox.SecurityError: "refused by the template sandbox",
            jinja2.UndefinedError: "template error"}
    what = next((label for cls, label in kind.items() if isinstance(exc, cls)),
                f"template error ({type(exc).__name__})")
    message = getattr(exc, "message", None) or str(exc)
    if where is None:
        return ZinekitError(f"error: theme {what}: {message}")
    return ZinekitError(f"{display_path(where[0])}:{where[1]}: error: {what}: {message}")


def _template_frame(exc: BaseException) -> tuple[str, int] | None:
    """The file and line of the innermost template frame of ``exc``'s traceback."""
    found = None
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if not name.endswith(".py") and os.path.isfile(name):
            found = (name, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _template_names(folder: str) -> tuple[str, ...]:
    """The files under a template folder: a template added to an override folder makes
    a new environment, as the search order it changes is not seen by Jinja's cache."""
    return tuple(sorted(os.path.relpath(os.path.join(d, f), folder)
                        for d, _, files in os.walk(folder) for f in files))


def checked_stylesheet(path: Path) -> Path:
    """``path``, once the stylesheet is known to be one the CSS engines can read (see
    :func:`zinekit.safety.limits.check_css_file`); checked once per version of the file."""
    _CHECKED_CSS.get(path)
    return path


_CHECKED_CSS: FileCache[None] = FileCache(lambda path: check_css_file(Path(path)))


def contained(path: Path, folder: Path) -> Path:
    """``path``, after checking that it does not link out of its theme ``folder`` and
    that it is a regular file (a named pipe would block the build)."""
    if not path.resolve().is_relative_to(folder.resolve()):
        raise ZinekitError(f"error: {path} links to a file outside its theme folder; not read")
    refuse_irregular(path)
    return path


class _ContainedLoader(jinja2.FileSystemLoader):
    """Templates from the theme folders; one that links out of its folder is refused
    before it is read."""

    def get_source(self, environment: jinja2.Environment, template: str):  # noqa: D102
        for folder in self.searchpath:
            candidate = Path(folder, *template.split("/"))
            if candidate.exists():
                contained(candidate, Path(folder))
                break
        return super().get_source(environment, template)


_manifests: FileCache[dict[str, Any]] = FileCache(
    lambda path: toml_loads(Path(path).read_text(encoding="utf-8"), Path(path)))


def _read_manifest(folder: Path) -> dict[str, Any]:
    """The folder's ``theme.toml``, read once while its size and mtime stay the same (a
    library's issues load their theme each; its TOML took a millisecond or two)."""
    manifest = folder / "theme.toml"
    if not manifest.is_file():
        raise ZinekitError(f"{folder}: not a theme (no theme.toml)")
    refuse_irregular(manifest)
    return copy.deepcopy(_manifests.get(manifest))


def _theme_folder(name: str, project_root: Path | None) -> Path:
    as_path = Path(name)
    if project_root is not None and (project_root / as_path / "theme.toml").is_file():
        if not (project_root / as_path).resolve().is_relative_to(project_root.resolve()):
            raise ZinekitError(f"error: theme {name!r} is outside the project folder; not read "
                               "(a theme of your own goes in a folder inside the project)")
        return project_root / as_path
    builtin = builtin_themes_folder() / name
    if (builtin / "theme.toml").is_file():
        return builtin
    available = ", ".join(sorted(available_themes()))
    raise ZinekitError(f"error: unknown theme {name!r} (available: {available}, or a folder "
                       "with a theme.toml inside the project)")


def available_themes() -> list[str]:
    root = builtin_themes_folder()
    return [p.name for p in root.iterdir() if (p / "theme.toml").is_file()
            and not _read_manifest(p).get("abstract", False)]


def theme_defaults(folder: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """The ``[defaults]`` of ``folder``'s theme.toml, checked against the settings a
    theme may set (:data:`zinekit.config.THEME_OPTIONS`) as front matter and ``[build]``
    are: an unknown key or a wrong value stops the build, each at its line."""
    from zinekit.config import THEME_OPTIONS, validate
    from zinekit.config.files import toml_key_line, toml_key_lines
    from zinekit.errors import Diagnostics

    raw = manifest.get("defaults", {})
    if not raw:
        return {}
    path = folder / "theme.toml"
    stat = path.stat()
    known = _checked_defaults.get(os.path.abspath(path))
    if known is not None and known[:2] == (stat.st_mtime_ns, stat.st_size):
        return dict(known[2])
    text = path.read_text(encoding="utf-8", errors="replace")
    diagnostics = Diagnostics()
    if not isinstance(raw, dict):
        diagnostics.error("[defaults] must be a table", str(path),
                          toml_key_line(text, "defaults"), 1)
        raise ZinekitError("", diagnostics.items)
    checked = validate(raw, THEME_OPTIONS, toml_key_lines(text, table="defaults"), str(path),
                       diagnostics, "theme [defaults]")
    if diagnostics.items:
        raise ZinekitError("", diagnostics.items)
    defaults = {key: value for key, value in checked.values.items() if not key.startswith("x-")}
    _checked_defaults[os.path.abspath(path)] = (stat.st_mtime_ns, stat.st_size, defaults)
    return dict(defaults)


#: Each theme.toml's checked ``[defaults]``, kept while its size and mtime stay the same
#: (as :func:`_read_manifest` keeps the file).
_checked_defaults: dict[str, tuple[int, int, dict[str, Any]]] = {}


def load_theme(name: str, project_root: Path | None = None) -> Theme:
    """Resolve ``name`` (a built-in theme or a folder in the project) and its parents."""
    chain: list[Path] = []
    manifests: list[dict[str, Any]] = []
    current: str | None = name
    while current:
        folder = _theme_folder(current, project_root)
        if folder in chain:
            raise ZinekitError(f"theme {name!r}: 'extends' forms a loop")
        manifest = _read_manifest(folder)
        chain.append(folder)
        manifests.append(manifest)
        current = manifest.get("extends")
    merged: dict[str, Any] = {"defaults": {}, "stylesheets": {}}
    for folder, manifest in reversed(list(zip(chain, manifests))):
        merged["defaults"].update(theme_defaults(folder, manifest))
        for medium, names in manifest.get("stylesheets", {}).items():
            merged["stylesheets"].setdefault(medium, []).extend(
                n for n in names if n not in merged["stylesheets"].get(medium, []))
        for key, value in manifest.items():
            if key not in ("defaults", "stylesheets", "extends"):
                merged[key] = value
    folders = list(chain)
    if project_root is not None and (project_root / PROJECT_OVERRIDE_FOLDER).is_dir():
        override = project_root / PROJECT_OVERRIDE_FOLDER
        if not override.resolve().is_relative_to(project_root.resolve()):
            raise ZinekitError(f"error: {override} links to a folder outside the project; not read")
        folders.insert(0, override)
    return Theme(name=Path(name).name, folders=folders, manifest=merged)
