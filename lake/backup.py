"""Back up the lake (the DuckDB file and every raw file as received) and restore it.

A backup is one .tar.gz holding `senco.duckdb`, the raw files and a manifest with their
SHA-256. The lake file is read through an open file handle, so a load swapping in a new
file during the backup cannot tear it. A restore checks the archive first (hashes, the
tables the app needs) and then swaps the lake in atomically, like a load.
"""
from __future__ import annotations

import fcntl
import hashlib
import io
import json
import os
import tarfile
import tempfile
from pathlib import Path

import duckdb

from domain.tables import FIRST_TABLES
from lake import config
from lake.store import NEW_LAKE_MODE, RAW_DIR_MODE, RAW_FILE_MODE, raw_dir


class BackupError(RuntimeError):
    pass


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def backup(out: Path, lake_path: Path | None = None) -> dict:
    lake_path = Path(lake_path or config.lake_path())
    if not lake_path.exists():
        raise BackupError(f"no lake at {lake_path}")
    with open(lake_path, "rb") as fh:          # a consistent snapshot even if a load swaps the path
        lake_bytes = fh.read()
    manifest = {"lake": {"name": "senco.duckdb", "sha256": _sha(lake_bytes)}, "raw": []}
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))   # a backup holds the lake: private
    os.chmod(tmp, 0o600)
    with tarfile.open(tmp, "w:gz") as tar:
        _add(tar, "senco.duckdb", lake_bytes)
        raws = raw_dir(lake_path)
        for f in sorted(raws.rglob("*")) if raws.exists() else []:
            if f.is_file() and not f.name.endswith(".part"):
                data = f.read_bytes()
                rel = f.relative_to(raws).as_posix()
                _add(tar, "raw/" + rel, data)
                manifest["raw"].append({"path": rel, "sha256": _sha(data)})
        _add(tar, "manifest.json", json.dumps(manifest, indent=1).encode())
    tmp.replace(out)
    return manifest


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 0
    tar.addfile(info, io.BytesIO(data))


def restore(archive: Path, lake_path: Path | None = None) -> dict:
    lake_path = Path(lake_path or config.lake_path())
    try:
        tar = tarfile.open(archive, "r:gz")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{archive} is not a lake backup ({exc})") from None
    with tar:
        try:
            manifest = json.loads(tar.extractfile("manifest.json").read())
            lake_bytes = tar.extractfile("senco.duckdb").read()
            if not isinstance(manifest.get("raw"), list) or not isinstance(manifest.get("lake"), dict):
                raise ValueError("manifest")
        except (KeyError, AttributeError, ValueError, TypeError, tarfile.TarError, OSError, EOFError):
            raise BackupError(f"{archive} has no lake in it") from None
        if _sha(lake_bytes) != manifest["lake"].get("sha256"):
            raise BackupError("the backup's lake file is damaged (hash mismatch)")
        raws = {}
        for entry in manifest["raw"]:
            _check_relative(entry.get("path"))
            try:
                member = tar.getmember("raw/" + entry["path"])
                data = tar.extractfile(member).read() if member.isfile() else None
            except (KeyError, tarfile.TarError, OSError, EOFError):
                data = None
            if data is None:
                raise BackupError(f"raw file {entry['path']!r} is missing from the backup")
            if _sha(data) != entry.get("sha256"):
                raise BackupError(f"raw file {entry['path']} is damaged (hash mismatch)")
            raws[entry["path"]] = data
    _check_lake(lake_bytes)
    lake_path.parent.mkdir(parents=True, exist_ok=True)
    with open(str(lake_path) + ".lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            target = raw_dir(lake_path)
            for rel, data in raws.items():
                dest = target / rel
                if not dest.resolve().is_relative_to(target.resolve()):   # (a symlink inside the folder)
                    raise BackupError(f"raw file {rel!r} would be written outside {target}; not restored")
                for d in reversed([p for p in dest.parents if p != target and target in p.parents] + [target]):
                    if not d.exists():
                        d.mkdir(parents=True, exist_ok=True)
                        os.chmod(d, RAW_DIR_MODE)
                if not dest.exists():
                    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, RAW_FILE_MODE)
                    with os.fdopen(fd, "wb") as fh:
                        fh.write(data)
            mode = (os.stat(lake_path).st_mode & 0o7777) if lake_path.exists() else NEW_LAKE_MODE
            build = lake_path.with_name(f"{lake_path.name}.building-{os.getpid()}.restore")
            fd = os.open(build, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
            with os.fdopen(fd, "wb") as fh:
                fh.write(lake_bytes)
            os.chmod(build, mode)
            with open(build, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(build, lake_path)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return manifest


def _check_relative(path: object) -> None:
    """A manifest path must name a file inside the raw folder: relative, no '..', no drive."""
    if not isinstance(path, str) or not path or "\x00" in path or "\\" in path:
        raise BackupError(f"the backup's manifest names a raw file {path!r} that is not a plain relative path; "
                          "not restored")
    parts = path.split("/")
    if path.startswith("/") or any(p in ("", ".", "..") for p in parts) or ":" in parts[0]:
        raise BackupError(f"the backup's manifest names a raw file outside its folder ({path!r}); "
                          "the archive has been altered: not restored")


def _check_lake(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "check.duckdb"
        p.write_bytes(data)
        try:
            con = duckdb.connect(str(p), read_only=True)
            tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
            con.close()
        except duckdb.Error as exc:
            raise BackupError(f"the backup's lake file cannot be opened ({exc})") from None
    missing = FIRST_TABLES - tables
    if missing:
        raise BackupError("the backup's lake lacks tables: " + ", ".join(sorted(missing)))
