#!/usr/bin/env bash
# Installs the pinned Python tools that nx-uv's tests, demo and benchmarks use (uv, pypiserver)
# into .tools/ at the repository root. Idempotent: a second run with the same pins does nothing.
# Only PyPI is needed. Prints nothing on a no-op run except one line.
set -euo pipefail

UV_VERSION=0.13.9
PYPISERVER_VERSION=2.4.2
# zizmor audits the generated GitHub Actions workflow in the tests (offline).
ZIZMOR_VERSION=1.33.1

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$here/.tools"
venv="$tools/venv"
stamp="$tools/.installed"
HATCHLING_VERSION=1.27.0
want="uv==$UV_VERSION pypiserver[passlib]==$PYPISERVER_VERSION zizmor==$ZIZMOR_VERSION"
# Build backends for the sample and fixture workspaces, kept as a local wheelhouse so that tests
# build offline (UV_OFFLINE=1 UV_FIND_LINKS=.tools/wheels): the tests' only network is loopback.
UV_BUILD_VERSION=0.13.6
# editables: hatchling's editable-build requirement, which `uv lock` asks for on hatch members.
EDITABLES_VERSION=0.5
# hatchling's own dependencies are pinned too: a new release of one (packaging 26.4 dropped Python
# 3.9) must not change what the fixtures resolve from a fresh clone.
HATCHLING_DEPS="packaging==26.3 pathspec==1.1.1 pluggy==1.7.0 trove-classifiers==2026.9.21.13"
# hatch-vcs and its chain: a real VCS version plugin for the tests of versions derived from git tags.
VCS_PLUGIN_DEPS="hatch-vcs==0.5.0 setuptools-scm==10.3.4 vcs-versioning==2.6.0 setuptools==84.2.1 tomlkit==0.15.3"
wheels="uv_build==$UV_BUILD_VERSION hatchling==$HATCHLING_VERSION editables==$EDITABLES_VERSION $HATCHLING_DEPS $VCS_PLUGIN_DEPS"
wheels_stamp="$tools/wheels/.downloaded"

python="${PYTHON:-python3}"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$venv/bin/uv" && -x "$venv/bin/pypi-server" && -x "$venv/bin/zizmor" ]]; then
  venv_ready=1
else
  venv_ready=0
  rm -rf "$venv"
  mkdir -p "$tools"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input $want
  echo "$want" > "$stamp"
fi

# The wheelhouse is refreshed on its own, so that adding a wheel never rebuilds the venv.
if [[ -f "$wheels_stamp" && "$(cat "$wheels_stamp")" == "$wheels" ]]; then
  wheels_ready=1
else
  wheels_ready=0
  rm -rf "$tools/wheels.new"
  "$venv/bin/python" -m pip download --quiet --disable-pip-version-check --no-input -d "$tools/wheels.new" $wheels
  echo "$wheels" > "$tools/wheels.new/.downloaded"
  rm -rf "$tools/wheels"
  mv "$tools/wheels.new" "$tools/wheels"
fi

if [[ $venv_ready == 1 && $wheels_ready == 1 ]]; then
  echo "python tools ready: $("$venv/bin/uv" --version), pypiserver $PYPISERVER_VERSION, zizmor $ZIZMOR_VERSION"
else
  echo "python tools installed: $("$venv/bin/uv" --version), pypiserver $PYPISERVER_VERSION, zizmor $ZIZMOR_VERSION, wheelhouse: $wheels"
fi
