#!/usr/bin/env bash
# Coverage-guided fuzzing of one network parser with AFL++ and SharpFuzz.
#
#   benchmarks/fuzz/run-fuzz.sh TARGET SECONDS     fuzz TARGET for SECONDS, then save stats, findings and the minimised corpus
#   benchmarks/fuzz/run-fuzz.sh --list             the targets
#
# Installs afl++ (Debian) and the sharpfuzz tool if missing, builds benchmarks/Jostle.Scim.Fuzz in Release into
# benchmarks/fuzz/out/build, instruments Jostle.Scim.Core.dll and Superpower.dll there, and runs afl-fuzz on
# benchmarks/fuzz/corpus/TARGET (or on seeds made by make-seeds.py when that is empty). Afterwards:
#   benchmarks/fuzz/results/TARGET.fuzzer_stats   afl's stats of the run (execs_done, execs_per_sec, corpus_count, saved_crashes, saved_hangs, run_time)
#   benchmarks/fuzz/results/TARGET/               crashing and hanging inputs, if any (replay: Jostle.Scim.Fuzz TARGET FILE)
#   benchmarks/fuzz/corpus/TARGET/                the queue minimised with afl-cmin
# Not run by CI. Set FUZZ_REBUILD=1 to rebuild and re-instrument after a library change.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$here/out"
build="$out/build"
tools="${XDG_CACHE_HOME:-$HOME/.cache}/jostle-scim-fuzz/tools"
harness="$build/Jostle.Scim.Fuzz.dll"

if [[ "${1:-}" == "--list" ]]; then
  exec dotnet run --project "$root/benchmarks/Jostle.Scim.Fuzz" -c Release -- --list
fi

target="${1:?usage: run-fuzz.sh TARGET SECONDS}"
seconds="${2:?usage: run-fuzz.sh TARGET SECONDS}"

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

if ! dotnet "$harness" --list | grep -qx "$target"; then
  echo "unknown target '$target'; targets: $(dotnet "$harness" --list | tr '\n' ' ')" >&2
  exit 2
fi

corpus="$here/corpus/$target"
input="$corpus"
if [[ -z "$(ls -A "$corpus" 2>/dev/null)" ]]; then
  rm -rf "$out/seeds"
  python3 "$here/make-seeds.py" "$out/seeds" >/dev/null
  input="$out/seeds/$target"
fi

# A request through the in-memory pipeline costs more than a parse, and the first one starts the host.
case "$target" in
  http|bulk) timeout_ms=10000 ;;
  *) timeout_ms=3000 ;;
esac

findings="$out/findings/$target"
rm -rf "$findings"; mkdir -p "$out/findings"
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
# (AFL_NO_STARTUP_CALIBRATION breaks the SharpFuzz fork server handshake: "Unable to request new process from fork server")
afl-fuzz -i "$input" -o "$findings" -x "$here/scim.dict" -G 4096 -t "$timeout_ms" -m none -V "$seconds" \
  -- dotnet "$harness" "$target" > "$out/$target.afl.log" 2>&1 || {
  tail -40 "$out/$target.afl.log" >&2
  exit 1
}

results="$here/results"
mkdir -p "$results"
cp "$findings/default/fuzzer_stats" "$results/$target.fuzzer_stats"
for kind in crashes hangs; do
  if ls "$findings/default/$kind"/id:* >/dev/null 2>&1; then
    mkdir -p "$results/$target/$kind"
    cp "$findings/default/$kind"/id:* "$results/$target/$kind/"
  fi
done

# Keep the corpus small: the inputs that reach distinct coverage, queue entries that crashed or hung left out.
rm -rf "$out/cmin-$target"
afl-cmin -i "$findings/default/queue" -o "$out/cmin-$target" -t "$timeout_ms" -m none -- dotnet "$harness" "$target" > "$out/$target.cmin.log" 2>&1 \
  && { rm -rf "$corpus"; mkdir -p "$corpus"; cp "$out/cmin-$target"/* "$corpus/"; } \
  || echo "afl-cmin failed (see $out/$target.cmin.log); the corpus is unchanged" >&2

grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs) ' "$results/$target.fuzzer_stats"
