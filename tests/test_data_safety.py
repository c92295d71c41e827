"""Issue 17: notelint never deletes, corrupts or leaks a user's files, and a cache never
serves the findings of another state of a note. Real files, real symlinks, the
installed command; a real small filesystem where the case needs one."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import default_signals, run_in_process, run_notelint

MOJIBAKE = "Hello world, the market\u00e2\u20ac\u2122s view is clear.\n"
# The same number of bytes: an in-place edit that leaves the size alone.
EDITED = "The market\u00e2\u20ac\u2122s view, [[gone]] is clear!!!!\n"


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    """A private cache key: runs in a test never trust another test's cache."""
    return {"XDG_CACHE_HOME": str(tmp_path / "xdg")}


def _vault(path: Path) -> Path:
    path.mkdir(parents=True)
    (path / "notelint.toml").write_text("")
    (path / "a.md").write_text("See [[b]].\n")
    (path / "b.md").write_text("# B\n")
    return path


# --- 1. the cache folder: only what notelint wrote is ever removed ---------------------

def test_a_symlinked_cache_folder_is_refused_and_its_target_untouched(tmp_path, env) -> None:
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "firmware.bin").write_bytes(b"\x7fELF firmware")
    (precious / "notes.facts").write_text("mine")
    vault = _vault(tmp_path / "vault")
    (vault / ".notelint_cache").symlink_to("../precious")
    for _ in range(2):
        r = run_notelint("check", ".", cwd=vault, env=env)
        assert r.returncode == 0, r.stderr
        assert r.stderr.count("cache") >= 1 and "not using" in r.stderr
    assert sorted(p.name for p in precious.iterdir()) == ["firmware.bin", "notes.facts"]
    assert (precious / "firmware.bin").read_bytes() == b"\x7fELF firmware"


def test_a_cache_dir_notelint_did_not_make_is_refused(tmp_path, env) -> None:
    downloads = tmp_path / "Downloads"
    downloads.mkdir()
    for name in ("movie.bin", "0123456789abcdef01234567.bin", "x.delta", ".tmp-old"):
        (downloads / name).write_text(name)
        os.utime(downloads / name, (1, 1))  # old enough to look like a killed run's
    vault = _vault(tmp_path / "vault")
    r = run_notelint("check", "--cache-dir", str(downloads), ".", cwd=vault, env=env)
    assert r.returncode == 0 and "not using" in r.stderr
    assert sorted(p.name for p in downloads.iterdir()) == sorted(
        ["movie.bin", "0123456789abcdef01234567.bin", "x.delta", ".tmp-old"])


def test_an_empty_or_new_cache_dir_is_adopted_and_used(tmp_path, env) -> None:
    vault = _vault(tmp_path / "vault")
    empty = tmp_path / "empty"
    empty.mkdir()
    for folder in (empty, tmp_path / "new" / "cache"):
        run_notelint("check", "--cache-dir", str(folder), ".", cwd=vault, env=env)
        r = run_notelint("check", "-v", "--cache-dir", str(folder), ".", cwd=vault, env=env)
        assert r.returncode == 0 and "not using" not in r.stderr
        assert (folder / "CACHEDIR.TAG").is_file()
        assert any(p.suffix == ".bin" for p in folder.iterdir())


def test_files_planted_in_a_cache_folder_are_not_followed(tmp_path, env) -> None:
    """A hostile repository commits a cache folder with notelint's marker and symlinks."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.bin").write_text("keep")
    vault = _vault(tmp_path / "vault")
    run_notelint("check", ".", cwd=vault, env=env)  # a real cache folder, marker and all
    cache = vault / ".notelint_cache"
    (cache / ".gitignore").unlink()
    (cache / ".gitignore").symlink_to(outside / "created-by-notelint")
    (cache / "ffffffffffffffffffffffff.bin").symlink_to(outside / "keep.bin")
    (vault / "a.md").write_text("See [[b]] again.\n")  # makes the next run save
    r = run_notelint("check", ".", cwd=vault, env=env)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in outside.iterdir()) == ["keep.bin"]
    assert (outside / "keep.bin").read_text() == "keep"


def test_old_caches_of_other_configs_are_still_removed(tmp_path, env) -> None:
    vault = _vault(tmp_path / "vault")
    run_notelint("check", ".", cwd=vault, env=env)
    cache = vault / ".notelint_cache"
    first = {p.name for p in cache.iterdir()}
    (vault / "notelint.toml").write_text("[rules.broken-link]\n")  # another config key
    run_notelint("check", ".", cwd=vault, env=env)
    names = {p.name for p in cache.iterdir()}
    assert not any(n.endswith(".bin") for n in first & names)
    assert any(n.endswith(".bin") for n in names)


# --- 2. a stale cache never serves old findings, and --fix never applies them ---------

def _same_size_edit(path: Path, text: str) -> None:
    """Rewrite the file in place (same inode, same size) and put its mtime back."""
    st = path.stat()
    data = text.encode()
    assert len(data) == st.st_size
    with open(path, "r+b") as f:
        f.write(data)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_an_edit_with_a_restored_mtime_is_seen(tmp_path, env) -> None:
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "note.md").write_text(MOJIBAKE)
    first = run_notelint("check", "--output-format", "concise", ".", cwd=vault, env=env)
    assert "mojibake" in first.stdout and "gone" not in first.stdout
    _same_size_edit(vault / "note.md", EDITED)
    again = run_notelint("check", "--output-format", "concise", ".", cwd=vault, env=env)
    assert "broken-link" in again.stdout, again.stdout
    fixed = run_notelint("check", "--fix", ".", cwd=vault, env=env)
    assert fixed.returncode == 1, fixed.stdout + fixed.stderr
    assert (vault / "note.md").read_text() == "The market\u2019s view, [[gone]] is clear!!!!\n"


@pytest.fixture(scope="module")
def coarse_fs(tmp_path_factory):
    """An ext2 image with one-second timestamps, loop-mounted (root only)."""
    if os.geteuid() != 0 or shutil.which("mkfs.ext2") is None:
        pytest.skip("a loop mount needs root and mkfs.ext2")
    base = tmp_path_factory.mktemp("coarse")
    image, mount = base / "fs.img", base / "mnt"
    mount.mkdir()
    with open(image, "wb") as f:
        f.truncate(16 * 1024 * 1024)
    subprocess.run(["mkfs.ext2", "-q", "-F", "-I", "128", str(image)], check=True,
                   capture_output=True)
    if subprocess.run(["mount", "-o", "loop", str(image), str(mount)],
                      capture_output=True).returncode != 0:
        pytest.skip("this machine does not allow a loop mount")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


def test_an_edit_in_the_same_second_as_the_cache_is_seen(coarse_fs, env) -> None:
    """On one-second timestamps an in-place edit right after a run leaves mtime, ctime,
    size and inode as the cache saw them: the entry is racily clean and must be hashed."""
    vault = coarse_fs / "same-second"
    vault.mkdir()
    note = vault / "note.md"
    for _ in range(5):
        note.write_text(MOJIBAKE)
        # In this process: without an interpreter start the run fits in the second
        # even on a busy machine, where the command's start alone can take a second.
        run_in_process("check", ".", cwd=vault, env=env)
        before = note.stat()
        _same_size_edit(note, EDITED)
        after = note.stat()
        if (before.st_mtime_ns, before.st_ctime_ns) == (after.st_mtime_ns, after.st_ctime_ns):
            break  # the edit landed in the same second: the case under test
    else:
        pytest.skip("could not land an edit in the same second as the run")
    r = run_notelint("check", "--output-format", "concise", ".", cwd=vault, env=env)
    assert "broken-link" in r.stdout, r.stdout


# --- 3. temporary files never outlive a run -------------------------------------------

@pytest.fixture
def small_fs(tmp_path):
    """A 1 MiB tmpfs (root only): a cache that does not fit."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mount = tmp_path / "small"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
                      capture_output=True).returncode != 0:
        pytest.skip("this machine does not allow a tmpfs mount")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


def test_a_cache_that_does_not_fit_leaves_no_temporary_file(small_fs, env) -> None:
    vault = small_fs / "v"
    vault.mkdir()
    body = "".join(f"Line {i} links [[n{i}]] and [[n{i + 1}#H]].\n" for i in range(60))
    for i in range(120):
        (vault / f"n{i}.md").write_text(f"# H\n\n{body}")
    filler = small_fs / "filler"  # leaves less room than the cache needs
    filler.write_bytes(b"\0" * (shutil.disk_usage(small_fs).free - 160 * 1024))
    free = shutil.disk_usage(small_fs).free
    for _ in range(3):
        r = run_notelint("check", "--exit-zero", ".", cwd=vault, env=env)
        assert r.returncode == 0, r.stderr
    leftovers = [p.name for p in (vault / ".notelint_cache").iterdir() if p.name.startswith(".tmp")]
    assert leftovers == []
    assert not any(p.suffix == ".bin" for p in (vault / ".notelint_cache").iterdir())
    assert shutil.disk_usage(small_fs).free >= free - 16 * 1024  # the marker files at most


# The notelint command, killed (SIGKILL: no handler runs) just before --fix renames a
# note's temporary file over the note: the worst moment to die.
KILLED_AT_RENAME = """
import os, signal, sys
rename = os.replace
def replace(src, dst):
    if str(dst).endswith(".md"):
        os.kill(os.getpid(), signal.SIGKILL)
    return rename(src, dst)
os.replace = replace
sys.argv[0] = "notelint"
from lint.cli import entry
entry()
"""


def test_a_killed_fix_leaves_nothing_git_would_see(tmp_path, env) -> None:
    """--fix writes its temporary file where git does not look (the cache folder), and
    a later run removes one that a killed run left."""
    vault = tmp_path / "v"
    vault.mkdir()
    subprocess.run(["git", "init", "-q", str(vault)], check=True)
    note = vault / "note.md"
    note.write_text(MOJIBAKE)
    killed = subprocess.run([sys.executable, "-c", KILLED_AT_RENAME, "check", "--fix", "."],
                            cwd=vault, env={**os.environ, **env}, capture_output=True)
    assert killed.returncode == -signal.SIGKILL
    assert note.read_text() == MOJIBAKE  # the note is whole: old bytes, not half of the new
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=vault,
                            capture_output=True, text=True, check=True).stdout
    assert status.split() == ["??", "note.md"]
    left = [p for p in (vault / ".notelint_cache").iterdir() if p.name.startswith(".tmp")]
    assert len(left) == 1
    os.utime(left[0], (1, 1))  # an hour later: no run still writing it
    r = run_notelint("check", "--fix", ".", cwd=vault, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert not left[0].exists()
    assert note.read_text() == "Hello world, the market\u2019s view is clear.\n"


def test_terminate_during_fix_removes_the_temporary_file(tmp_path, env) -> None:
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "note.md").write_text(MOJIBAKE)
    stopped = subprocess.run(
        [sys.executable, "-c", KILLED_AT_RENAME.replace("SIGKILL", "SIGTERM"),
         "check", "--no-cache", "--fix", "."],
        cwd=vault, env={**os.environ, **env}, capture_output=True, text=True,
        preexec_fn=default_signals)
    assert stopped.returncode == 128 + signal.SIGTERM, stopped.stderr
    assert sorted(p.name for p in vault.iterdir()) == ["note.md"]
    assert (vault / "note.md").read_text() == MOJIBAKE


def test_fix_keeps_mode_owner_and_line_endings(tmp_path, env) -> None:
    vault = tmp_path / "v"
    vault.mkdir()
    note = vault / "note.md"
    note.write_bytes(MOJIBAKE.replace("\n", "\r\n").encode())
    note.chmod(0o640)
    if os.geteuid() == 0:
        os.chown(note, 1234, 5678)
    run_notelint("check", "--fix", ".", cwd=vault, env=env)
    st = note.stat()
    assert note.read_bytes() == "Hello world, the market\u2019s view is clear.\r\n".encode()
    assert st.st_mode & 0o777 == 0o640
    if os.geteuid() == 0:
        assert (st.st_uid, st.st_gid) == (1234, 5678)


# --- 8. an interrupt while workers are forked orphans none ------------------------------

# The notelint command with a SIGINT arriving just after each worker is forked: the
# moment between the fork and the record of the worker.
INTERRUPTED_AFTER_FORK = """
import os, signal, sys
# A test run in the background inherits SIGINT ignored: Python then installs no handler.
signal.signal(signal.SIGINT, signal.default_int_handler)
from multiprocessing.process import BaseProcess
start = BaseProcess.start
def interrupted(self):
    start(self)
    os.kill(os.getpid(), signal.SIGINT)
BaseProcess.start = interrupted
sys.argv[0] = "notelint"
from lint.cli import entry
entry()
"""


# Run as a child subreaper (Linux): a process orphaned below it is reparented to it, so
# after the command ends, whatever is left to reap was left behind by the command.
SUBREAPER = """
import ctypes, os, subprocess, sys
ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
code = subprocess.run([sys.executable, "-c", sys.argv[1], *sys.argv[2:]],
                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
orphans = 0
while True:
    try:
        os.waitpid(-1, 0)
    except ChildProcessError:
        break
    orphans += 1
print(code, orphans)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a child subreaper is Linux's")
def test_an_interrupt_while_workers_start_leaves_no_worker(tmp_path, env) -> None:
    vault = tmp_path / "v"
    vault.mkdir()
    for i in range(900):  # past the parallel threshold: workers are forked
        (vault / f"n{i}.md").write_text(f"# N{i}\n\nSee [[n{(i + 1) % 900}]] and [[gone{i}]].\n")
    r = subprocess.run([sys.executable, "-c", SUBREAPER, INTERRUPTED_AFTER_FORK, "check",
                        "--no-cache", "."], cwd=vault, env={**os.environ, **env},
                       capture_output=True, text=True, check=True, preexec_fn=default_signals)
    assert r.stdout.split() == ["130", "0"], r.stdout + r.stderr


# --- 8. --fix re-lints what it wrote, and the vault only when other notes can change ----

def _json(vault: Path, *flags: str, env: dict[str, str]) -> tuple[str, str]:
    r = run_notelint("check", "--no-cache", "--output-format", "json", "-v", *flags, ".",
                     cwd=vault, env=env)
    assert r.returncode in (0, 1), r.stderr
    return r.stdout, r.stderr


def test_fix_relints_only_the_notes_it_wrote(tmp_path, env) -> None:
    vault = tmp_path / "v"
    vault.mkdir()
    for i in range(30):
        (vault / f"n{i}.md").write_text(f"# N{i}\n\nSee [[n{(i + 1) % 30}]].\n")
    (vault / "n3.md").write_text("# N3\n\n" + MOJIBAKE + "Also [[gone]].\n")
    fixed, said = _json(vault, "--fix", env=env)
    assert "re-linted 1 rewritten notes" in said
    assert fixed == _json(vault, env=env)[0]  # what a new run finds
    assert '"broken-link"' in fixed and '"mojibake"' not in fixed


def test_fix_that_changes_a_heading_lints_the_vault_again(tmp_path, env) -> None:
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "a.md").write_text("# The market\u00e2\u20ac\u2122s view\n")
    (vault / "b.md").write_text("See [[a#The market\u2019s view]].\n")
    before, _ = _json(vault, env=env)
    assert '"broken-anchor"' in before
    fixed, said = _json(vault, "--fix", env=env)
    assert "linting the vault again" in said
    assert fixed == _json(vault, env=env)[0]
    assert '"broken-anchor"' not in fixed


def test_a_racily_clean_entry_is_written_again_once_old_enough(tmp_path, env) -> None:
    """Notes changed within two seconds of the cache's write are hashed on later runs
    (test_an_edit_in_the_same_second_as_the_cache_is_seen shows why); once found
    unchanged and older than that, they are written again, so that later runs trust
    their stat key instead of hashing them every time."""
    import time

    vault = _vault(tmp_path / "v")
    run_notelint("check", ".", cwd=vault, env=env)  # written right after the notes: racy
    time.sleep(2.2)
    run_notelint("check", ".", cwd=vault, env=env)
    last = run_notelint("check", "-v", ".", cwd=vault, env=env)
    assert "0 files parsed, 2 from the cache (0 hashed" in last.stderr


def test_a_fresh_checkout_reuses_the_cache_by_content(tmp_path, env) -> None:
    """A fresh clone (CI restoring a saved cache) gives every note a new stat key: notes
    whose content is unchanged come from the cache, the changed one is parsed."""
    import time

    vault = _vault(tmp_path / "v")
    run_notelint("check", ".", cwd=vault, env=env)
    copy = tmp_path / "copy"
    shutil.copytree(vault, copy)  # new inodes and times; the cache folder copied along
    (copy / "a.md").write_text("See [[b]] and [[gone]].\n")
    time.sleep(2.2)  # so that the confirmed entries are written back
    r = run_notelint("check", "-v", "--output-format", "concise", ".", cwd=copy, env=env)
    assert "1 files parsed, 1 from the cache (2 hashed" in r.stderr, r.stderr
    assert "broken-link" in r.stdout and "gone" in r.stdout
    again = run_notelint("check", "-v", ".", cwd=copy, env=env)
    assert "0 files parsed, 2 from the cache (0 hashed" in again.stderr, again.stderr


def test_a_cache_folder_from_before_the_marker_is_kept_and_marked(tmp_path, env) -> None:
    """An upgrade: the folder an older notelint made (its .gitignore says so) is used,
    marked, and its stale files removed; no warning."""
    vault = _vault(tmp_path / "v")
    cache = vault / ".notelint_cache"
    cache.mkdir()
    (cache / ".gitignore").write_text("# Created by notelint: the cache is never committed.\n*\n")
    (cache / "81955689e319b9fc09b8731a.bin").write_bytes(b"an old format")
    r = run_notelint("check", ".", cwd=vault, env=env)
    assert r.returncode == 0 and "warning" not in r.stderr, r.stderr
    names = {p.name for p in cache.iterdir()}
    assert "CACHEDIR.TAG" in names and "81955689e319b9fc09b8731a.bin" not in names
