"""The local file system local Spark sessions write through: Hadoop's own, minus a ``chmod`` process per file.

Without Hadoop's native library (pip's ``pyspark`` ships none), Hadoop's local file system sets the permission of every
file and directory it creates by running ``chmod`` in a child process: a Parquet file and its checksum file take four.
One run of the curated job on the benchmark's data started about 700 of them; the raw job, which writes a file per
entity and date, more. ``localfs/cdp/localfs/NoForkLocalFileSystem.java`` is the same file system with permissions set
through ``java.nio`` instead. It is compiled once per source version with the JDK's ``javac`` against the Hadoop
client of the installed ``pyspark``, into a directory under the system temporary directory, and put on the local
session's class path (``session.local_session``). Without a JDK the session keeps Hadoop's default, with a warning.

Local sessions only (tests, the local demo, the benchmark): Glue writes to S3 and never loads it.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import subprocess
import tempfile
import warnings

#: The Hadoop file system class local sessions use for ``file:`` paths.
FILE_SYSTEM_CLASS = "cdp.localfs.NoForkLocalFileSystem"
_GLUE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = os.path.join(_GLUE, "localfs", "cdp", "localfs", "NoForkLocalFileSystem.java")


def _hadoop_client_jar() -> str | None:
    import pyspark

    jars = sorted(glob.glob(os.path.join(os.path.dirname(pyspark.__file__), "jars", "hadoop-client-api-*.jar")))
    return jars[-1] if jars else None


def _javac() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and os.access(os.path.join(home, "bin", "javac"), os.X_OK):
        return os.path.join(home, "bin", "javac")
    return shutil.which("javac")


def _private(path: str) -> bool:
    st = os.stat(path)
    return (not hasattr(os, "getuid") or st.st_uid == os.getuid()) and not st.st_mode & 0o022


def _checked(target: str, marker: str) -> str | None:
    """``target`` if its classes may be loaded, else ``None`` with a warning. The directory's name is predictable in a
    shared temporary directory: classes are loaded only from one this user owns and nobody else may write (mkdtemp
    creates it 0700), never from one another user put there first (also after losing the race to compile)."""
    if os.path.isfile(marker) and _private(target) and _private(marker):
        return target
    warnings.warn(
        f"local Spark keeps Hadoop's default local file system: {target} is not this user's alone "
        "(another user's, or writable by others) or holds no compiled classes; remove it or pass another cache "
        "directory",
        RuntimeWarning,
        stacklevel=3,
    )
    return None


def class_path(cache_root: str | None = None) -> str | None:
    """The directory holding the compiled file system (compiled on first use), or ``None`` (with a warning) when it
    cannot be built here: no ``javac``, no Hadoop client jar in ``pyspark``, no source (the package without the
    repository, as on Glue), an unwritable cache, a cache directory others may write, or a compile error."""
    javac, hadoop = _javac(), _hadoop_client_jar()
    if javac is None or hadoop is None or not os.path.isfile(SOURCE):
        missing = "a JDK (javac)" if javac is None else "pyspark's hadoop-client-api jar" if hadoop is None else SOURCE
        warnings.warn(
            "local Spark keeps Hadoop's default local file system (a chmod process per file written): "
            f"{missing} not found",
            RuntimeWarning,
            stacklevel=2,
        )
        return None
    with open(SOURCE, "rb") as f:
        digest = hashlib.sha256(f.read() + os.path.basename(hadoop).encode()).hexdigest()[:16]
    target = os.path.join(cache_root or tempfile.gettempdir(), f"cdp-localfs-{digest}")
    marker = os.path.join(target, *FILE_SYSTEM_CLASS.split(".")) + ".class"
    if os.path.isfile(marker):
        return _checked(target, marker)
    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        work = tempfile.mkdtemp(prefix=os.path.basename(target) + ".", dir=os.path.dirname(target))
    except OSError as e:
        warnings.warn(
            f"local Spark keeps Hadoop's default local file system: cannot write {target}: {e}",
            RuntimeWarning,
            stacklevel=2,
        )
        return None
    try:
        done = subprocess.run(
            [javac, "-nowarn", "-d", work, "-cp", hadoop, SOURCE], capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            warnings.warn(
                f"local Spark keeps Hadoop's default local file system: javac failed on {SOURCE}: "
                f"{done.stderr.strip()[:500]}",
                RuntimeWarning,
                stacklevel=2,
            )
            return None
        try:
            os.rename(work, target)  # atomic; another process may have finished first, and its copy is the same
        except OSError:
            pass
        return _checked(target, marker)
    finally:
        shutil.rmtree(work, ignore_errors=True)
