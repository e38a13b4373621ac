#!/usr/bin/env bash
# Coverage-guided fuzzing of one network parser with AFL++ and SharpFuzz.
#
#   benchmarks/fuzz/run-fuzz.sh TARGET SECONDS     fuzz TARGET for SECONDS, then collect (below)
#   benchmarks/fuzz/run-fuzz.sh --collect TARGET   collect the last run of TARGET (after an interrupted run)
#   benchmarks/fuzz/run-fuzz.sh --list             the targets
#
# Installs afl++ (Debian) and the sharpfuzz tool if missing, builds benchmarks/Jostle.Scim.Fuzz in Release into
# benchmarks/fuzz/out/build, instruments Jostle.Scim.Core.dll and Superpower.dll there, and runs afl-fuzz on a copy
# of that build, starting from benchmarks/fuzz/corpus/TARGET (or from seeds made by make-seeds.py when that is empty).
# Collecting writes:
#   benchmarks/fuzz/results/TARGET/run-START/fuzzer_stats   afl's stats (execs_done, execs_per_sec, corpus_count, saved_crashes, saved_hangs, run_time)
#   benchmarks/fuzz/results/TARGET/run-START/crashes, hangs  the inputs, if any (replay: Jostle.Scim.Fuzz TARGET FILE)
#   benchmarks/fuzz/corpus/TARGET/                the queue minimised with afl-cmin
# Not run by CI. Set FUZZ_REBUILD=1 to rebuild and re-instrument after a library or harness change.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$here/out"
build="$out/build"
tools="${XDG_CACHE_HOME:-$HOME/.cache}/jostle-scim-fuzz/tools"

export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
# (Do not set AFL_NO_STARTUP_CALIBRATION: it breaks the SharpFuzz fork server, "Unable to request new process from fork server".)

timeout_of() {
  # A request through the in-memory pipeline costs more than a parse, and the first one starts the host.
  case "$1" in
    http|bulk) echo 10000 ;;
    *) echo 3000 ;;
  esac
}

prepare() {
  if ! command -v afl-fuzz >/dev/null; then
    apt-get install -y afl++ >/dev/null
  fi

  if [[ ! -x "$tools/sharpfuzz" ]]; then
    dotnet tool install --tool-path "$tools" SharpFuzz.CommandLine --version 2.3.0 >/dev/null
  fi

  mkdir -p "$out"
  (
    # One build for every target; a second run-fuzz.sh started meanwhile waits for it.
    flock 9
    if [[ ! -f "$build/.instrumented" || "${FUZZ_REBUILD:-0}" == "1" ]]; then
      rm -rf "$build"
      dotnet build "$root/benchmarks/Jostle.Scim.Fuzz" -c Release -v q --nologo -o "$build" >/dev/null
      "$tools/sharpfuzz" "$build/Jostle.Scim.Core.dll"
      "$tools/sharpfuzz" "$build/Superpower.dll"
      touch "$build/.instrumented"
    fi
  ) 9>"$out/.build.lock"
}

fuzz() {
  local target="$1" seconds="$2"
  if ! dotnet "$build/Jostle.Scim.Fuzz.dll" --list | grep -qx "$target"; then
    echo "unknown target '$target'; targets: $(dotnet "$build/Jostle.Scim.Fuzz.dll" --list | tr '\n' ' ')" >&2
    exit 2
  fi

  # This run's own copy of the instrumented build: a rebuild for another run must not change it underneath afl-fuzz.
  local run="$out/run-$target"
  rm -rf "$run"
  ( flock 9; cp -r "$build" "$run" ) 9>"$out/.build.lock"

  local corpus="$here/corpus/$target" input="$here/corpus/$target"
  if [[ -z "$(ls -A "$corpus" 2>/dev/null)" ]]; then
    # Seeds of this run only: another target's run may be making its own meanwhile.
    rm -rf "$out/seeds-$target"
    python3 "$here/make-seeds.py" "$out/seeds-$target" >/dev/null
    input="$out/seeds-$target/$target"
  fi

  local findings="$out/findings/$target"
  rm -rf "$findings"
  mkdir -p "$out/findings"
  afl-fuzz -i "$input" -o "$findings" -x "$here/scim.dict" -G 4096 -t "$(timeout_of "$target")" -m none -V "$seconds" \
    -- dotnet "$run/Jostle.Scim.Fuzz.dll" "$target" > "$out/$target.afl.log" 2>&1 || {
    tail -40 "$out/$target.afl.log" >&2
    exit 1
  }
}

collect() {
  local target="$1"
  local findings="$out/findings/$target" results="$here/results" corpus="$here/corpus/$target"
  local harness="$out/run-$target/Jostle.Scim.Fuzz.dll"
  # One folder per run, named by afl's start time, so that a second run of a target adds to the record.
  local run_id
  run_id="run-$(date -u -d "@$(awk '$1 == "start_time" {print $3}' "$findings/default/fuzzer_stats")" +%Y%m%dT%H%M%SZ)"
  rm -rf "$results/$target/$run_id"
  mkdir -p "$results/$target/$run_id"
  cp "$findings/default/fuzzer_stats" "$results/$target/$run_id/fuzzer_stats"
  for kind in crashes hangs; do
    if ls "$findings/default/$kind"/id:* >/dev/null 2>&1; then
      mkdir -p "$results/$target/$run_id/$kind"
      for f in "$findings/default/$kind"/id:*; do
        # afl's names hold ':' and ','; keep the id only.
        cp "$f" "$results/$target/$run_id/$kind/$(basename "$f" | cut -d, -f1 | tr ':' '-')"
      done
    fi
  done

  # Keep the corpus small: the inputs that reach distinct coverage.
  # afl-cmin wants the target by its full path, and walks sub-folders: give it the queue's inputs only.
  rm -rf "$out/cmin-$target" "$out/queue-$target"
  mkdir -p "$out/queue-$target"
  cp "$findings/default/queue"/id:* "$out/queue-$target/"
  if afl-cmin -i "$out/queue-$target" -o "$out/cmin-$target" -t "$(timeout_of "$target")" -m none -- "$(command -v dotnet)" "$harness" "$target" > "$out/$target.cmin.log" 2>&1; then
    rm -rf "$corpus"
    mkdir -p "$corpus"
    local i=0
    for f in "$out/cmin-$target"/*; do
      cp "$f" "$corpus/$(printf '%05d' "$i")"
      i=$((i + 1))
    done
  else
    echo "afl-cmin failed (see $out/$target.cmin.log); the corpus is unchanged" >&2
  fi

  grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs) ' "$results/$target/$run_id/fuzzer_stats"
}

main() {
  case "${1:-}" in
    --list)
      exec dotnet run --project "$root/benchmarks/Jostle.Scim.Fuzz" -c Release -- --list ;;
    --collect)
      collect "${2:?usage: run-fuzz.sh --collect TARGET}" ;;
    *)
      local target="${1:?usage: run-fuzz.sh TARGET SECONDS}" seconds="${2:?usage: run-fuzz.sh TARGET SECONDS}"
      prepare
      fuzz "$target" "$seconds"
      collect "$target" ;;
  esac
}

# One line: bash has read the whole file before main runs, so editing it during a long run cannot change that run.
main "$@"; exit
