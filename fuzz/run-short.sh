#!/usr/bin/env bash
# A short fuzzing run, as CI does it after the unit tests: configures and builds the `fuzz`
# preset (clang, libFuzzer, ASan + UBSan), then runs every fuzz target for NWC_FUZZ_SECONDS
# (default 25) on a scratch copy of its committed corpus (fuzz/corpus/<target>/). Exits non-zero
# if any target has a finding: a crash, a sanitizer report, an exception other than nwc::Error,
# a leak, an input that takes longer than 10 s, or more than 2 GB of memory. The input that
# caused it is left in build/fuzz/run/<target>/findings/; see README.md, "Fuzzing", for what to
# do with it.
#
#   fuzz/run-short.sh                 all targets
#   fuzz/run-short.sh nwc llama2c     only these
#   NWC_FUZZ_SECONDS=300 NWC_FUZZ_BUILD_JOBS=1 fuzz/run-short.sh
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${NWC_FUZZ_SECONDS:-25}
all_targets=(safetensors modelconfig tokenizerjson llama2c nwc)
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=("${all_targets[@]}")
fi

# Largest input each target is fed (its seeds are smaller; .nwc seeds are HDF5 files of 50 to
# 80 KB).
max_len() {
  case "$1" in
    modelconfig) echo 4096 ;;
    safetensors | llama2c) echo 8192 ;;
    tokenizerjson) echo 65536 ;;
    nwc) echo 131072 ;;
    *) echo "unknown fuzz target '$1'; known: ${all_targets[*]}" >&2; return 1 ;;
  esac
}
for target in "${targets[@]}"; do
  max_len "$target" > /dev/null
done

if ! command -v clang++ > /dev/null ||
   [ ! -f "$(clang++ -print-file-name=libclang_rt.fuzzer-x86_64.a)" ]; then
  echo "fuzz: needs clang++ with libFuzzer (Debian 12: apt-get install clang libclang-rt-14-dev)" >&2
  exit 1
fi

start=$(date +%s)
cmake --preset fuzz > /dev/null
cmake --build --preset fuzz ${NWC_FUZZ_BUILD_JOBS:+-j "$NWC_FUZZ_BUILD_JOBS"}
echo "fuzz build: $(($(date +%s) - start)) s"

# allocator_may_return_null + max_allocation_size_mb: an allocation over 2 GB fails as malloc
# would in production (libhdf5 then reports an error; our code throws std::bad_alloc, which the
# targets report); the suppressions cover libhdf5's own over-reads and leaks (see the files).
export ASAN_OPTIONS=${ASAN_OPTIONS:-allocator_may_return_null=1:max_allocation_size_mb=2048:suppressions=$PWD/fuzz/hdf5.asan.supp}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/fuzz/hdf5.lsan.supp}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
work=build/fuzz/run
status=0
for target in "${targets[@]}"; do
  dir=$work/$target
  rm -rf "$dir"
  mkdir -p "$dir/corpus" "$dir/findings"
  cp fuzz/corpus/"$target"/* "$dir/corpus/"
  options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$(max_len "$target")"
           -artifact_prefix="$dir/findings/" -print_final_stats=1)
  case "$target" in
    safetensors | modelconfig | tokenizerjson) options+=(-dict=fuzz/json.dict) ;;
  esac
  echo "== fuzz_$target: ${seconds} s"
  if ! build/fuzz/fuzz/fuzz_"$target" "${options[@]}" "$dir/corpus" > "$dir/log.txt" 2>&1; then
    echo "fuzz_$target: FINDING (reproducer in $dir/findings/, log in $dir/log.txt):"
    grep -v '^#[0-9]' "$dir/log.txt" | tail -n 60
    status=1
    continue
  fi
  grep -E '^#[0-9]+[[:space:]]+DONE' "$dir/log.txt" || true
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$dir/log.txt" |
    tr '\n' ' '
  echo
done
echo "fuzzing: $(($(date +%s) - start)) s in total"
exit $status
