"""Watching the files a preview is built from, with watchdog.

Editors save in bursts (write, close, rename a temporary over the file), so changes are
collected for a short settling time and handed over together.  Only events that change
a file count: watchdog also reports files being opened and read, and the rebuild itself
reads every source file.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Callable

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

CHANGES = {"created", "modified", "moved", "deleted", "closed"}
SETTLE_SECONDS = 0.04


class _Relay(FileSystemEventHandler):
    def __init__(self, watcher: "Watcher") -> None:
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in CHANGES:
            return
        if event.is_directory and event.event_type in ("modified", "closed"):
            return  # a folder's timestamp moves whenever an editor writes a swap file
        paths = {event.src_path, getattr(event, "dest_path", "") or ""}
        self.watcher.notify({Path(str(p)) for p in paths if p})


class Watcher:
    """Calls ``on_change(paths)`` from one worker thread after each burst of changes."""

    def __init__(self, on_change: Callable[[set[Path]], None],
                 settle: float = SETTLE_SECONDS) -> None:
        self.on_change = on_change
        self.settle = settle
        self.observer = Observer()
        self.relay = _Relay(self)
        self.scheduled: set[tuple[Path, bool]] = set()
        self.pending: set[Path] = set()
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.stopping = False
        self.worker = threading.Thread(target=self._work, name="zinekit-watch", daemon=True)

    def watch(self, folder: Path, recursive: bool = False) -> None:
        """Watch ``folder`` (or, while it does not exist, its nearest existing parent)."""
        folder = folder.resolve()
        while not folder.is_dir() and folder != folder.parent:
            folder, recursive = folder.parent, False
        key = (folder, recursive)
        if key in self.scheduled or (folder, True) in self.scheduled:
            return
        self.scheduled.add(key)
        self.observer.schedule(self.relay, str(folder), recursive=recursive)

    def notify(self, paths: set[Path]) -> None:
        with self.lock:
            self.pending |= paths
        self.wake.set()

    def start(self) -> None:
        self.observer.start()
        self.worker.start()

    def stop(self) -> None:
        self.stopping = True
        self.wake.set()
        self.observer.stop()
        self.observer.join(timeout=5)
        if self.worker.is_alive() and threading.current_thread() is not self.worker:
            self.worker.join(timeout=10)

    def _work(self) -> None:
        while True:
            self.wake.wait()
            if self.stopping:
                return
            time.sleep(self.settle)
            with self.lock:
                self.wake.clear()
                paths, self.pending = self.pending, set()
            if paths and not self.stopping:
                self.on_change(paths)
