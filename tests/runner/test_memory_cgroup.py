"""The cgroup side of the memory limit on a made-up cgroup tree: where medeval makes its
worker cgroups (v2 and v1, with and without a cgroup namespace), and what it writes and
reads there. The real kernel's cgroups are exercised by test_memory.py."""

from __future__ import annotations

from pathlib import Path

from medeval.runner.memory import _CGroup, cgroup_candidates


def _tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_v2_takes_the_nearest_ancestor_that_hands_down_memory(tmp_path: Path):
    unified, memory = tmp_path / "unified", tmp_path / "memory"
    _tree(unified, {
        "cgroup.subtree_control": "cpu io memory pids\n",
        "user.slice/cgroup.subtree_control": "cpu memory pids\n",
        "user.slice/session.scope/cgroup.subtree_control": "\n",
    })
    (memory / "a" / "b").mkdir(parents=True)
    mounts = [("/", str(unified), "cgroup2", set()),
              ("/", str(memory), "cgroup", {"rw", "memory"})]
    own = {"": "/user.slice/session.scope", "memory": "/a/b", "cpu": "/"}
    assert cgroup_candidates(mounts, own) == [("cgroup-v2", unified / "user.slice"),
                                              ("cgroup-v1", memory / "a" / "b")]


def test_v2_without_memory_anywhere_gives_no_candidate(tmp_path: Path):
    _tree(tmp_path, {"cgroup.subtree_control": "cpu\n", "x/cgroup.subtree_control": ""})
    assert cgroup_candidates([("/", str(tmp_path), "cgroup2", set())], {"": "/x"}) == []


def test_a_cgroup_namespace_maps_to_the_mount(tmp_path: Path):
    (tmp_path / "w").mkdir()
    v1 = [("/docker/abc", str(tmp_path), "cgroup", {"memory"})]
    assert cgroup_candidates(v1, {"memory": "/docker/abc/w"}) == [("cgroup-v1", tmp_path / "w")]
    # inside a cgroup namespace /proc/self/cgroup shows "/": the mount's root is ours
    assert cgroup_candidates(v1, {"memory": "/"}) == [("cgroup-v1", tmp_path)]


def _remove(group: _CGroup) -> None:
    for item in group.path.iterdir():
        item.unlink()
    group.close()
    assert not group.path.exists()


def test_v2_files_written_and_read(tmp_path: Path):
    group = _CGroup("cgroup-v2", tmp_path, 512 << 20, "w/0")
    assert group.path.parent == tmp_path and group.path.name.endswith("-w_0")
    assert (group.path / "memory.max").read_text() == str(512 << 20)
    assert (group.path / "memory.swap.max").read_text() == "0"
    assert (group.path / "memory.oom.group").read_text() == "1"
    argv = group.wrap(["bwrap", "--", "python3"])
    assert argv[:3] == ["/bin/sh", "-c", 'echo 0 > "$0" && exec "$@"']
    assert argv[3] == str(group.path / "cgroup.procs") and argv[4:] == ["bwrap", "--",
                                                                          "python3"]
    assert group.verdict() is None
    (group.path / "memory.events").write_text("low 0\nhigh 0\nmax 9\noom 2\noom_kill 2\n")
    (group.path / "memory.peak").write_text(f"{600 << 20}\n")
    verdict = group.verdict()
    assert verdict is not None
    assert "memory limit of 512 MB (peak 600 MB, cgroup-v2)" in verdict
    assert "processes of the tree" in verdict
    assert group.verdict() is None  # counted once
    _remove(group)


def test_v1_files_written_and_read(tmp_path: Path):
    group = _CGroup("cgroup-v1", tmp_path, 256 << 20, "w1")
    assert (group.path / "memory.limit_in_bytes").read_text() == str(256 << 20)
    assert (group.path / "memory.memsw.limit_in_bytes").read_text() == str(256 << 20)
    (group.path / "memory.oom_control").write_text("oom_kill_disable 0\nunder_oom 0\n"
                                                   "oom_kill 0\n")
    (group.path / "memory.max_usage_in_bytes").write_text(f"{256 << 20}\n")
    assert group.case_ends() is None and group.verdict() is None
    (group.path / "memory.oom_control").write_text("oom_kill_disable 0\nunder_oom 0\n"
                                                   "oom_kill 1\n")
    verdict = group.verdict()
    assert verdict is not None and "(peak 256 MB, cgroup-v1)" in verdict
    assert "a process of the tree" in verdict
    # the peak restarts with the next case
    assert (group.path / "memory.max_usage_in_bytes").read_text() == "0"
    # a process ended during a case that still succeeded fails no later case
    (group.path / "memory.oom_control").write_text("oom_kill 2\n")
    assert group.case_ends() is None and group.verdict() is None
    _remove(group)
