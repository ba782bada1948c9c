"""engagekit's caches between runs: the structuring functions cattrs generates (here) and the
public holidays computed (``engagekit.publicholidays``), each a folder (``cache_dir``).

cattrs writes the source of a structuring function for each settings class a project uses and
compiles it: on every run, since Python's own bytecode cache is for modules only. ``engage
validate`` of the hybrid example compiles 39 of them (about 30 ms of a loaded 2-core machine,
most of reading the project). This cache keeps each compiled function as Python keeps a
module's bytecode (``marshal``), with its key: the interpreter's bytecode version, the name
cattrs gave the code and its source. A changed class or library version is another entry,
and nothing is used without its key matching.

attrs compiles its classes' methods the same way (``engage validate`` of the hybrid example:
94 classes, about 45 ms of the loaded machine, the largest single cost of its start-up), and
``engage`` has attrs compile through this cache too (``install_attrs``, from ``engagekit.cli``).
Its source of a hashable class holds ``hash()`` of a string (``hash("<attrs generated hash
module.Class>")``), which changes with every process's hash seed: the key has that number
written as a fixed placeholder, and the process's own number is put back into the cached code
object's constants, so the code is the one ``compile`` would give. Should some other source
change from run to run, the folder is emptied when it holds more than ``MAX_ENTRIES``.

Where: ``$ENGAGEKIT_CACHE_DIR/code``, else ``$XDG_CACHE_HOME/engagekit/code`` (``~/.cache``);
``ENGAGEKIT_CACHE_DIR=`` (empty) turns it off. A folder that cannot be written only costs the
compile, never an error. Writes are atomic (a temporary file renamed into place), so processes
running side by side (a portfolio's workers) share the folder safely.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import marshal
import os
import tempfile
import zlib
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

__all__ = [
    "CACHE_ENV",
    "MAX_ENTRIES",
    "attrs_compile",
    "cache_dir",
    "cached_compile",
    "install",
    "install_attrs",
    "store",
]

CACHE_ENV = "ENGAGEKIT_CACHE_DIR"
#: Entries beyond which the folder is emptied (a few hundred in use; each a few KiB).
MAX_ENTRIES = 2000


def cache_dir(kind: str = "code") -> Path | None:
    """The folder of one of engagekit's caches (``code``, ``holidays``), or None when caching
    is turned off."""
    env = os.environ
    return _cache_dir(kind, env.get(CACHE_ENV), env.get("XDG_CACHE_HOME"), env.get("HOME"))


@functools.lru_cache(maxsize=64)
def _cache_dir(kind: str, configured: str | None, xdg: str | None, home: str | None) -> Path | None:
    # asked once per compile (hundreds a run): made once per environment
    if configured is not None:
        return Path(configured) / kind if configured else None
    base = xdg or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "engagekit" / kind


def store(folder: Path, path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` in ``folder`` atomically; a folder that cannot be written
    (read-only, full) is no error: the cache just stays cold. A folder holding
    ``MAX_ENTRIES`` files is emptied first."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        entries = [e for e in os.scandir(folder) if not e.name.startswith(".")]
        if len(entries) >= MAX_ENTRIES:  # listed on a miss only: rare once the cache is warm
            for entry in entries:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass


def cached_compile(source: Any, filename: Any, mode: str, *args: Any, **kwargs: Any) -> Any:
    """``compile``, answered from the cache when the same source was compiled before."""
    folder = cache_dir()
    if folder is None or args or kwargs or not isinstance(source, str):
        return compile(source, filename, mode, *args, **kwargs)
    key = f"{importlib.util.MAGIC_NUMBER!r}\0{mode}\0{filename}\0{source}"
    # crc32 (zlib is loaded already; hashlib's import costs milliseconds) names the file;
    # the key stored in it decides, so a collision only costs a compile
    name = f"{zlib.crc32(key.encode('utf-8', 'surrogatepass')):08x}-{len(key):x}.bin"
    path = os.path.join(folder, name)  # not pathlib: hundreds of these a run
    try:
        with open(path, "rb") as f:
            stored, code = marshal.loads(f.read())
        if stored == key and isinstance(code, CodeType):
            return code
    except (OSError, EOFError, ValueError, TypeError):
        pass
    code = compile(source, filename, mode)
    store(folder, path, marshal.dumps((key, code)))
    return code


def install(module: ModuleType) -> None:
    """Have ``module`` (``cattrs.gen``) compile through the cache: it calls the built-in
    ``compile`` by its global name, which a module attribute of that name shadows (the same
    code objects either way; only the time to make them changes)."""
    module.compile = cached_compile  # type: ignore[attr-defined]


#: The file names attrs gives the code it generates: ``<attrs generated methods mod.Class>``.
_ATTRS = "<attrs generated "
#: Written for a class's type hash in a cached source (a number no attrs source holds).
_TYPE_HASH = 0x7E57_C0DE_5EED_0001


def attrs_compile(source: Any, filename: Any, mode: str, *args: Any, **kwargs: Any) -> Any:
    """``compile`` of attrs' generated methods through the cache (``cached_compile``), with the
    seed-dependent type hash of ``__hash__`` keyed as a placeholder and put back after."""
    if (
        args
        or kwargs
        or not isinstance(source, str)
        or not isinstance(filename, str)
        or not filename.startswith(_ATTRS)
        or str(_TYPE_HASH) in source
    ):
        return compile(source, filename, mode, *args, **kwargs)
    # "<attrs generated methods mod.Class>", or "...mod.Class-2>" for a second one of that name
    target = filename[len(_ATTRS) : -1].partition(" ")[2]
    base, dash, count = target.rpartition("-")
    if dash and count.isdigit():
        target = base
    type_hash = hash(f"<attrs generated hash {target}>")
    token = f" {type_hash},"
    if token not in source:
        return cached_compile(source, filename, mode)
    code = cached_compile(source.replace(token, f" {_TYPE_HASH},"), filename, mode)
    return _put_back(code, type_hash)


def _put_back(code: CodeType, value: int) -> CodeType:
    """``code`` with every constant ``_TYPE_HASH`` (in it and its nested functions) ``value``;
    a code object without one is returned as it is (only ``__hash__`` and the module's code
    that holds it are made again)."""
    consts = list(code.co_consts)
    changed = False
    for i, c in enumerate(consts):
        if type(c) is int and c == _TYPE_HASH:
            consts[i] = value
            changed = True
        elif isinstance(c, CodeType):
            put = _put_back(c, value)
            if put is not c:
                consts[i] = put
                changed = True
    return code.replace(co_consts=tuple(consts)) if changed else code


def install_attrs() -> None:
    """Have attrs compile the methods of the classes defined from now on through the cache
    (``attrs_compile``); ``attr._make`` calls ``compile`` by its global name."""
    import attr._make

    attr._make.compile = attrs_compile  # type: ignore[attr-defined]
