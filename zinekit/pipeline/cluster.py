"""Rendering a library's issues on a Dask distributed cluster (``--cluster ADDRESS``).

The build runs as on one machine (:mod:`zinekit.pipeline.parallel`): this process loads, resolves
and plans each issue in reference order, and sends each render, with its plan, to the
workers of a running Dask scheduler instead of a local pool.  What a task reads and
writes:

- it carries the issue parsed and resolved, its settings, the theme's folders and
  the build's options, which hold what the render would otherwise read of this
  process (``SOURCE_DATE_EPOCH``, the folder messages name files from): a worker needs
  no catalog, and changes neither its environment nor its working folder;
- it reads the issue's images and the theme's files, and writes the issue's outputs
  (each atomically, :mod:`zinekit.safety.output`) and its record in the result store
  (:mod:`zinekit.pipeline.reuse`), all at the paths this machine uses: the project and its
  output folder are on storage every worker sees at the same path.  Before the first
  task, :meth:`DaskWorkers.connect` asks every worker whether it sees them, runs the
  same zinekit and has the same fonts (see docs/cluster.md).

A worker that dies mid-render loses nothing that was written (each file is whole or not
there); the scheduler runs its tasks on another worker.  A task whose workers keep dying
is reported as that issue's failure and the others are built.  ``--cluster local``
starts a Dask cluster of ``--jobs`` processes on this machine (with its dashboard).
"""

from __future__ import annotations

import logging
import os
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from zinekit.errors import ZinekitError
from zinekit.pipeline.parallel import Outcome, ProcessWorkers, Workers
from zinekit.reporter import Note, Reporter

#: How long to wait for the scheduler to answer, and for a first worker to join.
CONNECT_SECONDS = 10
WORKER_WAIT_SECONDS = 30
INSTALL_HINT = "pip install 'zinekit[cluster]'"
CLUSTER_VARIABLE = "ZINEKIT_CLUSTER"


@dataclass(frozen=True)
class Shared:
    """What every worker must see at the same path: files with their SHA-256 (the
    project's own), and the folder outputs are written to."""

    files: dict[str, str]
    out: Path


def cluster_address(given: str | None) -> str | None:
    """Where a build renders, as the user chose it — never as a project does (its
    ``[build] cluster`` is refused, :mod:`zinekit.config`): ``--cluster``, else the
    ``ZINEKIT_CLUSTER`` environment variable, else ``[build] cluster`` in the user's
    ``$XDG_CONFIG_HOME/zinekit/config.toml`` (``~/.config/zinekit/config.toml``)."""
    if given:
        return given
    if os.environ.get(CLUSTER_VARIABLE):
        return os.environ[CLUSTER_VARIABLE]
    path = user_config_path()
    if not path.is_file():
        return None
    return _configured_cluster(path)


def user_config_path() -> Path:
    home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(home) / "zinekit" / "config.toml"


def _configured_cluster(path: Path) -> str | None:
    from zinekit.config import toml_key_line
    from zinekit.safety.limits import Problem, load_toml, problem_text

    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        build = load_toml(text).get("build", {})
    except Problem as problem:
        raise ZinekitError(f"{path}:{problem.line}:{problem.col}: error: config.toml "
                           f"{problem_text(problem, 'TOML')}") from None
    found = build.get("cluster") if isinstance(build, dict) else None
    if found is not None and not (isinstance(found, str) and found.strip()):
        line = toml_key_line(text, "cluster", table="build")
        raise ZinekitError(f"{path}:{line}:1: error: [build] cluster must be a scheduler's "
                           "address (tcp://host:8786) or \"local\"")
    return found


def open_workers(jobs: int, cluster: str | None, reporter: Reporter,
                 shared: Shared | None = None) -> Workers:
    """Where this build renders: a pool of ``jobs`` processes here, or with ``cluster``
    (a scheduler's address, or ``local``) the workers of a Dask cluster; Dask is
    imported only then, so a build without it starts as fast as ever."""
    if not cluster:
        return ProcessWorkers(jobs)
    return DaskWorkers.connect(cluster, jobs, reporter, shared)


class DaskWorkers(Workers):
    """Renders sent to the workers of a Dask scheduler."""

    render_lone_here = False
    always_send = True

    def __init__(self, client: Any, local: Any = None) -> None:
        self.client = client
        self.local = local  # the LocalCluster of ``--cluster local``
        self.futures: list[Any] = []

    # --- connecting ---------------------------------------------------------------------

    @classmethod
    def connect(cls, address: str, jobs: int, reporter: Reporter,
                shared: Shared | None = None) -> DaskWorkers:
        """Connect to the scheduler at ``address`` (``local``: start one here) and check
        its workers; every problem is one line and exit status 1."""
        distributed = _import_distributed()
        if address == "local":
            workers = cls._local(distributed, jobs)
        else:
            workers = cls(_client(distributed, address))
        try:
            workers._wait_for_workers(address)
            workers._check(shared, reporter)
        except BaseException:
            workers.close(interrupted=True)
            raise
        return workers

    @classmethod
    def _local(cls, distributed: Any, jobs: int) -> DaskWorkers:
        cluster = distributed.LocalCluster(
            n_workers=jobs, threads_per_worker=1, processes=True, host="127.0.0.1",
            dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR)
        return cls(distributed.Client(cluster), cluster)

    def _wait_for_workers(self, address: str) -> None:
        try:
            self.client.wait_for_workers(1, timeout=WORKER_WAIT_SECONDS)
        except (TimeoutError, OSError) as exc:
            raise ZinekitError(f"error: the Dask scheduler at {address} has no workers after "
                               f"{WORKER_WAIT_SECONDS} s (start some with `dask worker "
                               f"{address} --nthreads 1`)") from exc

    def _check(self, shared: Shared | None, reporter: Reporter) -> None:
        """Every worker runs this zinekit, sees the project and can write the output
        folder; a worker with other fonts gets a warning (its PDFs would differ)."""
        from zinekit.pipeline.reuse import zinekit_fingerprint

        files = dict(shared.files) if shared else {}
        out = str(shared.out) if shared else None
        facts = self.client.run(worker_facts, files, out, on_error="return")
        here = worker_facts({}, None)
        for worker, found in sorted(facts.items()):
            if isinstance(found, BaseException):
                raise ZinekitError(f"error: worker {worker} could not be asked about its set-up: "
                                   f"{type(found).__name__}: {found}")
            _check_worker(worker, found, zinekit_fingerprint(), here["fonts"], reporter)
        info = self.client.scheduler_info()
        dashboard = f"; dashboard: {self.client.dashboard_link}" \
            if "dashboard" in info.get("services", {}) else ""
        reporter.emit(Note(f"cluster: {len(facts)} worker{'s' if len(facts) != 1 else ''} at "
                           f"{info.get('address', '?')}{dashboard}"))

    # --- the runner's interface ---------------------------------------------------------

    def submit(self, name: str, fn: Callable[..., Outcome], *args: Any) -> Any:
        key = f"zinekit-render-{name}-{uuid.uuid4().hex[:12]}"
        future = self.client.submit(fn, *args, key=key, pure=False)
        self.futures.append(future)
        return future

    def lost(self, name: str, exc: BaseException) -> list[str] | None:
        from distributed import KilledWorker

        if isinstance(exc, KilledWorker):
            return [f"error: {name}: not built: the workers rendering it died "
                    "(each time it was tried); the other issues were built"]
        if isinstance(exc, (OSError, TimeoutError)) or type(exc).__name__ in (
                "CancelledError", "FutureCancelledError", "CommClosedError"):
            return [f"error: {name}: not built: the Dask scheduler was lost ({exc or type(exc).__name__})"]
        return None

    def close(self, interrupted: bool) -> None:
        if interrupted and self.futures:
            try:
                self.client.cancel(self.futures)
            except Exception:  # noqa: BLE001 - closing anyway
                pass
        self.client.close()
        if self.local is not None:
            self.local.close()


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise ZinekitError("error: building on a cluster needs Dask distributed, which is not "
                           f"installed: {INSTALL_HINT}") from exc
    return distributed


def _client(distributed: Any, address: str) -> Any:
    try:
        return distributed.Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        reason = str(exc).split("\n")[0] or type(exc).__name__
        raise ZinekitError(f"error: cannot reach the Dask scheduler at {address}: {reason} "
                           "(is `dask scheduler` running there? see docs/cluster.md)") from exc


def _check_worker(worker: str, found: dict[str, Any], fingerprint: dict[str, Any],
                  fonts: str | None, reporter: Reporter) -> None:
    difference = _difference(found, fingerprint)
    if difference:
        raise ZinekitError(f"error: worker {worker} runs {difference}: install the same zinekit "
                           "and libraries on every worker (see docs/cluster.md)")
    for name in found["missing"]:
        raise ZinekitError(f"error: worker {worker} does not see {name} as this machine does: "
                           "put the project and its output folder on storage every worker "
                           "mounts at the same path (see docs/cluster.md)")
    if not found["writable"]:
        raise ZinekitError(f"error: worker {worker} cannot write the output folder: "
                           "it must be on storage every worker can write")
    if fonts is not None and found["fonts"] != fonts:
        reporter.emit(Note(f"cluster: warning: worker {worker} has other fonts than this machine: "
                           "the issues it renders will not be the same (see docs/cluster.md)"))


def _difference(found: dict[str, Any], fingerprint: dict[str, Any]) -> str | None:
    """How a worker's zinekit differs from this machine's, in words; None if it does not."""
    theirs = found["zinekit"]
    if theirs["version"] != fingerprint["version"]:
        return f"zinekit {theirs['version']} (this machine: {fingerprint['version']})"
    for name, version in fingerprint["libraries"].items():
        if theirs["libraries"].get(name) != version:
            return f"{name} {theirs['libraries'].get(name)} (this machine: {version})"
    if theirs["code"] != fingerprint["code"]:
        return f"zinekit {theirs['version']} with other code than this machine's"
    if found["themes"] != builtin_theme_files():
        return f"zinekit {theirs['version']} with other built-in theme files than this machine's"
    return None


# --- on a worker --------------------------------------------------------------------------


def worker_facts(files: dict[str, str], out: str | None) -> dict[str, Any]:
    """What the planning machine checks of a worker: its zinekit, which of ``files`` it
    does not see with the same content, whether it can write ``out``, its fonts."""
    from zinekit.pipeline.reuse import file_digest, zinekit_fingerprint

    missing = []
    for name, digest in files.items():
        try:
            if file_digest(name) != digest:
                missing.append(name)
        except OSError:
            missing.append(name)
    writable = True
    if out is not None:
        folder = Path(out)
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        writable = os.access(folder, os.W_OK)
    return {"zinekit": zinekit_fingerprint(), "themes": builtin_theme_files(), "missing": missing,
            "writable": writable, "fonts": fonts_fingerprint()}


def builtin_theme_files() -> dict[str, str]:
    """The digest of every file of zinekit's built-in themes, as installed here."""
    from zinekit.pipeline.reuse import folder_digests
    from zinekit.themes_loader import builtin_themes_folder

    return folder_digests(builtin_themes_folder())


def fonts_fingerprint() -> str | None:
    """The fonts fontconfig offers (family, style, version): the same on two machines
    means WeasyPrint lays text out the same.  None where ``fc-list`` is missing."""
    import hashlib

    try:
        listed = subprocess.run(["fc-list", "--format", "%{family}\t%{style}\t%{fontversion}\n"],
                                capture_output=True, text=True, timeout=60, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return hashlib.sha256("\n".join(sorted(set(listed.splitlines()))).encode()).hexdigest()
