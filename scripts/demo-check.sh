#!/usr/bin/env bash
# Runs a CHECK_FILE written by scripts/demo-commands.sh in WORK_DIR: every command in turn,
# in one shell (later commands use the tokens earlier ones set). A command fails the check,
# named with its output, when it exits non-zero (curl --fail-with-body: an HTTP error) or
# its output lacks something it must show.
# Usage: demo-check.sh CHECK_FILE WORK_DIR
set -uo pipefail
CHECK_FILE="$(realpath "$1")"
mkdir -p "$2"
WORK_DIR="$(realpath "$2")"
cd "$WORK_DIR" || exit 2
steps=0
# The check's own stderr: a failure found inside a step (its ERR trap) is reported while the
# step's output is still redirected to its file.
exec 3>&2

failed() {
  local title="$1" command="$2" why="$3" out="$4"
  {
    echo "demo check FAILED: $title"
    echo "  command: $command"
    echo "  why: $why"
    echo "  output:"
    head -c 2000 "$out" | sed 's/^/  | /'
  } >&3
  # A command left in the background (the cancel example's stream) goes too.
  local pids
  mapfile -t pids < <(jobs -p)
  ((${#pids[@]} == 0)) || kill "${pids[@]}" 2>/dev/null
  exit 1
}

# run_step TITLE [MUST_CONTAIN...] <<< COMMAND
run_step() {
  local title="$1" command out rc pattern
  shift
  command="$(cat)"
  steps=$((steps + 1))
  out="$WORK_DIR/step-$steps.out"
  # Any command of a several-line step that fails stops it at once, not only the last one
  # (a failed DELETE must not leave the check waiting for the whole stream it did not cancel).
  # shellcheck disable=SC2064
  trap 'failed "$title" "$command" "a command exited with status $?" "$out"' ERR
  eval "$command" >"$out" 2>&1
  rc=$?
  trap - ERR
  ((rc == 0)) || failed "$title" "$command" "a command exited with status $rc" "$out"
  for pattern in "$@"; do
    grep -qF -- "$pattern" "$out" || failed "$title" "$command" "the output lacks $pattern" "$out"
  done
  echo "ok: $title"
}

# shellcheck source=/dev/null
source "$CHECK_FILE"
echo "demo check: all $steps commands gave what they must"
