"""The lock file holds what pyproject.toml asks for: every dependency (and the dev extra's)
pinned to one version that fits, with its hashes. After a change of the dependencies,
`make lock` makes it again."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.-]+)==([^\s\\]+)")


def locked() -> dict[str, tuple[str, int]]:
    """Each locked package: its version and how many hashes it has."""
    found: dict[str, tuple[str, int]] = {}
    name = ""
    for line in (ROOT / "requirements.lock").read_text("utf-8").splitlines():
        pin = PIN.match(line)
        if pin:
            name = canonicalize_name(pin.group(1))
            found[name] = (pin.group(2), 0)
        elif "--hash=sha256:" in line and name:
            version, hashes = found[name]
            found[name] = (version, hashes + 1)
    return found


def test_every_dependency_is_locked_to_a_version_that_fits_with_hashes() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    wanted = [
        Requirement(text)
        for text in [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    ]
    lock = locked()
    problems = []
    for requirement in wanted:
        name = canonicalize_name(requirement.name)
        if name not in lock:
            problems.append(f"{name} is not in requirements.lock: run `make lock`")
            continue
        version = lock[name][0]
        if not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{name}=={version} does not fit {requirement}: run `make lock`")
    problems += [f"{name} has no hash" for name, (_, hashes) in lock.items() if not hashes]
    assert problems == []
    assert len(lock) > len(wanted)


def test_the_license_is_an_spdx_string_and_holidays_has_an_upper_bound() -> None:
    """A license table makes setuptools warn at every install that it is deprecated; a
    new major version of holidays may change its API under us."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert project["license"] == "EUPL-1.2"
    [holidays] = [
        Requirement(text) for text in project["dependencies"] if text.startswith("holidays")
    ]
    assert any(spec.operator in ("<", "<=", "==", "~=") for spec in holidays.specifier)
