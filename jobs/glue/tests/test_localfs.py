"""The local sessions' file system (cdp_jobs/localfs.py): Hadoop's local file system, with permissions set without a
chmod child process."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cdp_jobs import localfs

GLUE = Path(__file__).resolve().parents[1]


def test_local_session_writes_through_the_no_fork_file_system(spark, tmp_path):
    jvm = spark.sparkContext._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    fs = jvm.org.apache.hadoop.fs.FileSystem.get(jvm.java.net.URI("file:///"), conf)
    assert fs.getClass().getName() == localfs.FILE_SYSTEM_CLASS
    # Still Hadoop's checksummed local file system: code that asks for FileSystem.getLocal gets it.
    assert fs.getRawFileSystem().getClass().getName() == localfs.FILE_SYSTEM_CLASS + "$Raw"
    assert jvm.org.apache.hadoop.fs.FileSystem.getLocal(conf).getClass().getName() == localfs.FILE_SYSTEM_CLASS

    out = tmp_path / "out"
    spark.createDataFrame([(1, "a"), (2, "b")], "n int, dt string").write.partitionBy("dt").parquet(os.fspath(out))
    umask = os.umask(0)
    os.umask(umask)
    part = out / "dt=a"
    files = [p for p in part.iterdir() if p.name.endswith(".parquet")]
    assert files and (part / f".{files[0].name}.crc").exists()  # checksums as before
    # Hadoop's defaults (0666 files, 0777 directories) under the process umask, as its chmod would have set them.
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o666 & ~umask
    assert stat.S_IMODE(part.stat().st_mode) == 0o777 & ~umask

    target = tmp_path / "f"
    target.write_text("x")
    fs.setPermission(
        jvm.org.apache.hadoop.fs.Path(target.as_uri()), jvm.org.apache.hadoop.fs.permission.FsPermission("640")
    )
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_no_chmod_process_is_started(tmp_path):
    """A Spark session of its own, whose PATH starts with a `chmod` that logs each call: a partitioned Parquet write
    through the local session starts none; Hadoop's stock local file system in the same JVM does (the control)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "chmod.log"
    real = subprocess.run(["sh", "-c", "command -v chmod"], capture_output=True, text=True, check=True).stdout.strip()
    fake = bin_dir / "chmod"
    fake.write_text(f'#!/bin/sh\necho "$@" >> "{log}"\nexec {real} "$@"\n')
    fake.chmod(0o755)
    script = textwrap.dedent(
        f"""
        import os, sys
        sys.path.insert(0, {os.fspath(GLUE)!r})
        from cdp_jobs.session import local_session
        spark = local_session("cdp-localfs-test")
        spark.range(100).selectExpr("id", "id % 3 AS k").write.partitionBy("k").parquet({os.fspath(tmp_path / "a")!r})
        print("session", sum(1 for _ in open({os.fspath(log)!r})) if os.path.exists({os.fspath(log)!r}) else 0)
        jvm = spark.sparkContext._jvm
        conf = jvm.org.apache.hadoop.conf.Configuration()
        conf.set("fs.file.impl", "org.apache.hadoop.fs.LocalFileSystem")
        stock = jvm.org.apache.hadoop.fs.FileSystem.newInstance(jvm.java.net.URI("file:///"), conf)
        p = jvm.org.apache.hadoop.fs.Path("file://{os.fspath(tmp_path / "b")}")
        stock.create(p).close()
        print("stock", sum(1 for _ in open({os.fspath(log)!r})) if os.path.exists({os.fspath(log)!r}) else 0)
        spark.stop()
        """
    )
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    counts = dict(line.split() for line in done.stdout.splitlines() if line.startswith(("session", "stock")))
    assert counts["session"] == "0"
    assert int(counts["stock"]) > 0


def test_without_javac_the_session_keeps_hadoops_default(monkeypatch, tmp_path):
    monkeypatch.setattr(localfs, "_javac", lambda: None)
    with pytest.warns(RuntimeWarning, match=r"a JDK \(javac\) not found"):
        assert localfs.class_path(os.fspath(tmp_path)) is None


def test_a_compile_error_is_reported_not_raised(monkeypatch, tmp_path):
    bad = tmp_path / "Broken.java"
    bad.write_text("class Broken {")
    monkeypatch.setattr(localfs, "SOURCE", os.fspath(bad))
    with pytest.warns(RuntimeWarning, match="javac failed"):
        assert localfs.class_path(os.fspath(tmp_path / "cache")) is None
    assert not any((tmp_path / "cache").iterdir())  # no half-built class directory left behind


def test_compiled_once_per_source_version(monkeypatch, tmp_path):
    first = localfs.class_path(os.fspath(tmp_path))
    assert first is not None and os.path.isfile(os.path.join(first, "cdp", "localfs", "NoForkLocalFileSystem.class"))
    assert stat.S_IMODE(os.stat(first).st_mode) == 0o700  # private to this user
    mtime = os.path.getmtime(first)
    assert localfs.class_path(os.fspath(tmp_path)) == first
    assert os.path.getmtime(first) == mtime
    # A changed source is compiled again, beside the old one.
    edited = tmp_path / "NoForkLocalFileSystem.java"
    edited.write_text(Path(localfs.SOURCE).read_text() + "\n// edited\n")
    monkeypatch.setattr(localfs, "SOURCE", os.fspath(edited))
    second = localfs.class_path(os.fspath(tmp_path))
    assert second is not None and second != first
    assert os.path.isfile(os.path.join(second, "cdp", "localfs", "NoForkLocalFileSystem.class"))


def test_classes_others_may_write_are_not_loaded(tmp_path):
    """The cache's name is predictable in a shared temporary directory: a directory others may write is refused."""
    first = localfs.class_path(os.fspath(tmp_path))
    assert first is not None
    os.chmod(first, 0o777)
    with pytest.warns(RuntimeWarning, match="not this user's alone"):
        assert localfs.class_path(os.fspath(tmp_path)) is None


def test_an_unwritable_cache_is_reported_not_raised(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.warns(RuntimeWarning, match="cannot write"):
        assert localfs.class_path(os.fspath(blocker / "cache")) is None


def test_without_its_source_the_session_keeps_hadoops_default(monkeypatch, tmp_path):
    """cdp_jobs travels alone as a zip (Glue's --extra-py-files): no localfs/ beside it."""
    monkeypatch.setattr(localfs, "SOURCE", os.fspath(tmp_path / "missing.java"))
    with pytest.warns(RuntimeWarning, match="missing.java not found"):
        assert localfs.class_path(os.fspath(tmp_path / "cache")) is None


def test_a_lost_race_to_a_directory_others_may_write_is_refused(monkeypatch, tmp_path):
    """Another process put the cache directory in place first (our rename fails): its classes are loaded only if the
    directory is this user's alone."""
    real_rename = os.rename

    def lose_the_race(src, dst):
        real_rename(src, dst)  # the other process's copy: the same classes, but a directory others may write
        os.chmod(dst, 0o777)
        raise FileExistsError(dst)

    monkeypatch.setattr(localfs.os, "rename", lose_the_race)
    with pytest.warns(RuntimeWarning, match="not this user's alone"):
        assert localfs.class_path(os.fspath(tmp_path)) is None
