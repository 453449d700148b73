#!/usr/bin/env bash
# Run THERE (a lent GPU machine: nvcc, CMake, ninja and a PyTorch with LibTorch; no Qt, no HDF5,
# no network), from the repository root, after tests/gpu/prepare-runtime.sh ran HERE:
#
#   tests/gpu/device-check.sh          # writes $OUT (else ./device-check-out): summary.md,
#                                      # device-check.log, logs.tar.gz
#
# Unpacks tests/gpu/runtime/debs into a private prefix, configures against PyTorch's LibTorch
# (-DNWC_GUI=OFF -DNWC_CUDA=ON, Release, Ninja), builds only nwc, the tests labelled gpu and the
# benchmarks it runs, runs `ctest -L gpu`, then the measurements, and prints ONE Markdown table.
# Every step has its own time limit and the whole run a budget (NWC_CHECK_BUDGET_S, default 450 s,
# so the script ends inside 8 minutes); a step that fails or runs out of time is a table row
# "failed: <reason>", never the end of the script. The build folder (build/gpu-check) and the
# random checkpoints (build/gpu-check-work) stay for a second call on a warm machine, which then
# skips the build and the checkpoint writing.
#
# Environment (defaults in brackets):
#   NWC_CHECK_BUDGET_S [450]   seconds for the whole script; steps that would start later are skipped
#   NWC_CHECK_JOBS [nproc]     build jobs
#   NWC_CHECK_BUILD_S [360]    time limit of the build step (a 2-core rehearsal needs ~3000)
#   NWC_CHECK_NICE []          e.g. 15: run every step under nice (shared machines)
#   NWC_CHECK_SHAPES [SmolLM2-135M,Qwen2.5-0.5B,TinyLlama-1.1B,Llama-2-7B]  runtime shapes, in order
#   NWC_CHECK_COMPRESS_SHAPE [Qwen2.5-0.5B]
#   NWC_CUDA_ARCHS [90]        CMAKE_CUDA_ARCHITECTURES (H100/H200 are 90)
#   NWC_TORCH_DIR / NWC_TORCH_PREFIX   a folder holding TorchConfig.cmake / a CMAKE_PREFIX_PATH
#                              entry, instead of asking python3 for torch.utils.cmake_prefix_path
#   NWC_CHECK_PREFIX_ONLY [0]  1: use every library of the prefix, even where the system has one
#   NWC_CHECK_HIDE_SYSTEM [0]  1 (rehearsal, as root): run in a private mount namespace with the
#                              system's copies of every file the prefix provides hidden, to prove
#                              the prefix suffices (implies NWC_CHECK_PREFIX_ONLY=1)
#   NWC_CHECK_FORCE_ALL [0]    1: run the CUDA measurements even when `--device cuda` is refused
set -uo pipefail

root=$(pwd)
if [ ! -f "$root/CMakeLists.txt" ] || [ ! -d "$root/tests/gpu" ]; then
  echo "device-check: run this from the repository root" >&2
  exit 2
fi
if [ "${NWC_CHECK_HIDE_SYSTEM:-0}" = 1 ] && [ -z "${NWC_CHECK_IN_NAMESPACE:-}" ]; then
  export NWC_CHECK_IN_NAMESPACE=1 NWC_CHECK_PREFIX_ONLY=1
  exec unshare -m --propagation private bash "$0" "$@"
fi

out=${OUT:-$root/device-check-out}
runtime=${NWC_RUNTIME_DIR:-$root/tests/gpu/runtime}
build=${NWC_CHECK_BUILD_DIR:-$root/build/gpu-check}
work=${NWC_CHECK_WORK:-$root/build/gpu-check-work}
prefix=$work/prefix
logs=$work/logs
models=$work/models
budget=${NWC_CHECK_BUDGET_S:-450}
jobs=${NWC_CHECK_JOBS:-$(nproc)}
shapes=${NWC_CHECK_SHAPES:-SmolLM2-135M,Qwen2.5-0.5B,TinyLlama-1.1B,Llama-2-7B}
compress_shape=${NWC_CHECK_COMPRESS_SHAPE:-Qwen2.5-0.5B}
prefix_only=${NWC_CHECK_PREFIX_ONLY:-0}
arch=x86_64-linux-gnu
t0=$(date +%s)
nice_cmd=()
[ -n "${NWC_CHECK_NICE:-}" ] && nice_cmd=(nice -n "$NWC_CHECK_NICE")

mkdir -p "$out" "$logs" "$models"
rm -f "$logs"/*.log
: >"$out/device-check.log"

# ---------------------------------------------------------------- steps, results, the table
rows=()      # "label|value|how" in table order
notes=()     # printed under the table
declare -A cell
add_row() { rows+=("$1|$3"); cell[$1]=$2; }           # add_row LABEL VALUE HOW
set_cell() { cell[$1]=$2; write_summary; }             # set_cell LABEL VALUE
left() { echo $((budget - ($(date +%s) - t0))); }
md() { tr '|\n\r' '/  ' | cut -c1-160; }               # safe inside a table cell
write_summary() {
  {
    echo "| measurement | result | how |"
    echo "|---|---|---|"
    local r label how
    for r in "${rows[@]}"; do
      label=${r%%|*}
      how=${r#*|}
      echo "| $label | ${cell[$label]} | $how |"
    done
    echo
    local note
    for note in "${notes[@]}"; do echo "$note"; done
    echo "$(date -u +%Y-%m-%dT%H:%M:%SZ), $(($(date +%s) - t0)) s of a ${budget} s budget; ${device_name:-no GPU}; logs: device-check.log, logs.tar.gz"
  } >"$out/summary.md"
}
# Why a step failed: its exit status, or the last line of its log that reads like an error.
reason() { # reason STATUS LOG LIMIT
  if [ "$1" = 124 ] || [ "$1" = 137 ]; then
    echo "timeout after $3 s"
    return
  fi
  local line
  line=$(grep -a -E -i 'error|fail|refus|cannot|not available|needs|abort|what\(\)' "$2" |
         grep -v -E '^###|^-- |Werror|error\.h|_error|errors\.cpp' | tail -1)
  [ -z "$line" ] && line=$(grep -a -v '^###' "$2" | grep -a -v '^[[:space:]]*$' | tail -1)
  echo "${line:-exit status $1}" | sed 's/^[[:space:]]*//' | md
}
# run_step NAME LIMIT CMD...: runs CMD under `timeout` (at most the budget left) with its output
# in $logs/NAME.log, appended to device-check.log when done. Status 125: skipped (no budget).
step_status=0 step_seconds=0 step_limit=0
run_step() {
  local name=$1 limit=$2
  shift 2
  local remaining
  remaining=$(left)
  step_limit=$limit
  ((limit > remaining)) && step_limit=$remaining
  if ((step_limit < 15)); then
    echo "### $name: skipped, ${remaining} s of the budget left, ${step_limit} s allowed" | tee -a "$out/device-check.log"
    step_status=125 step_seconds=0
    return 125
  fi
  local log=$logs/$name.log s
  s=$(date +%s)
  echo "### $name (limit ${step_limit} s): $(echo "$*" | head -1 | cut -c1-300)" | tee "$log"
  timeout --kill-after=10 "$step_limit" "${nice_cmd[@]}" "$@" >>"$log" 2>&1
  step_status=$?
  step_seconds=$(($(date +%s) - s))
  echo "### $name: exit status $step_status after $step_seconds s" | tee -a "$log"
  {
    if [ "$(wc -l <"$log")" -gt 400 ]; then
      head -n 20 "$log"
      echo "[... $(($(wc -l <"$log") - 370)) lines, see logs.tar.gz ...]"
      tail -n 350 "$log"
    else
      cat "$log"
    fi
    echo
  } >>"$out/device-check.log"
  return $step_status
}
failed_cell() { # failed_cell LOG: "failed: <reason>" or "skipped: budget" for the last step
  if [ "$step_status" = 125 ]; then
    echo "skipped: under 15 s allowed ($(left) s of the budget left)"
  else
    echo "failed: $(reason "$step_status" "$1" "$step_limit")"
  fi
}
finish() {
  write_summary
  tar -czf "$out/logs.tar.gz" -C "$work" logs 2>/dev/null
  echo
  echo "## NWC device check"
  echo
  cat "$out/summary.md"
}
trap 'finish; exit 130' INT TERM

# The table, in the order it is printed; every row starts as "not run".
add_row build "not run" "cmake -DNWC_GUI=OFF -DNWC_CUDA=ON, Release, Ninja; targets nwc, gpu tests, bench_lane_rans, bench_runtime"
add_row "GPU tests" "not run" "ctest -L gpu --output-on-failure"
add_row "cuda probe" "not run" "nwc bench demo:student --device cuda (does this build compute on the GPU at all)"
add_row "lane rANS decode, GPU" "not run" "bench_lane_rans: .nwc v2, all streams in one launch, kernel time (M symbols/s)"
IFS=, read -r -a shape_list <<<"$shapes"
for s in "${shape_list[@]}"; do
  add_row "$s prefill / decode tok/s" "not run" "bench_runtime --shapes $s --device cuda (random bf16 weights)"
done
add_row "GPTQ 4 bpw, $compress_shape" "not run" "nwc compress --method gptq --bits 4 --calib-text (300 KB wikitext-2) --device cuda; wall time incl. calibration"
add_row "NWC 4 bpw, $compress_shape" "not run" "nwc compress --method nwc --bits 4, same text (calibration cache from the GPTQ run) --device cuda; wall time"
add_row "codec training, paper preset" "not run" "nwc train-codec --preset paper --models demo:teacher --lambda 1765 --steps 30 --device cuda; steps / reported seconds (incl. loading)"
write_summary

# ---------------------------------------------------------------- environment
gpu_env() {
  echo "kernel: $(uname -r); cores: $(nproc); memory: $(free -g 2>/dev/null | awk '/Mem:/{print $2 " GiB"}')"
  command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
  command -v nvcc >/dev/null && nvcc --version | tail -2
  cmake --version | head -1
  ninja --version
  c++ --version | head -1
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())' 2>&1 | tail -1
  command -v dpkg-deb >/dev/null || echo "no dpkg-deb: unpacking with ar + tar"
  command -v pkg-config >/dev/null || echo "no pkg-config on the machine: the prefix's pkgconf is used"
}
run_step env 60 bash -c "$(declare -f gpu_env); gpu_env"
device_name=$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -1)

# ---------------------------------------------------------------- the private prefix
unpack_deb() { # unpack_deb DEB DIR
  if command -v dpkg-deb >/dev/null; then
    dpkg-deb -x "$1" "$2"
  else
    local t
    t=$(mktemp -d)
    (cd "$t" && ar x "$1" && tar -xf data.tar.* -C "$2")
    rm -rf "$t"
  fi
}
soname_of() { basename "$1" | sed -E 's/(\.so\.[0-9]+).*/\1/'; }
system_has() { # system_has SONAME: the machine's own loader knows it
  ldconfig -p 2>/dev/null | grep -q -E "^[[:space:]]+$1 \(" && return 0
  local d
  for d in /usr/lib/$arch /lib/$arch /usr/lib64 /lib64 /usr/local/lib; do
    [ -e "$d/$1" ] && return 0
  done
  return 1
}
prepare_prefix() {
  set -e
  rm -rf "$prefix" "$work/fallback"
  mkdir -p "$prefix" "$work/fallback"
  local f n=0
  for f in "$runtime"/debs/core/*.deb; do unpack_deb "$f" "$prefix"; n=$((n + 1)); done
  for f in "$runtime"/debs/fallback/*.deb; do unpack_deb "$f" "$work/fallback"; n=$((n + 1)); done
  echo "unpacked $n packages"
  local lib=$prefix/usr/lib/$arch
  # Debian 12 keeps a few libraries in /lib: one folder for all.
  if [ -d "$prefix/lib/$arch" ]; then cp -a "$prefix/lib/$arch/." "$lib/"; fi
  # Fallback libraries: only those whose soname the machine lacks (its own are newer).
  local used=() skipped=()
  while IFS= read -r f; do
    local so
    so=$(soname_of "$f")
    if [ "$prefix_only" != 1 ] && system_has "$so"; then
      skipped+=("$so")
    else
      cp -a "$f" "$lib/"
      used+=("$(basename "$f")")
    fi
  done < <(find "$work/fallback" \( -type f -o -type l \) -name 'lib*.so.*' | sort)
  echo "fallback libraries used: ${used[*]:-none}"
  echo "fallback sonames the machine has (not used): $(printf '%s\n' "${skipped[@]}" | sort -u | tr '\n' ' ')"
  # zlib1g-dev's libz.so names zlib1g's libz.so.1.2.13, which we do not fetch: point it at the
  # machine's own libz.so.1.
  local target
  target=$(ldconfig -p 2>/dev/null | awk '$1 == "libz.so.1" && /x86-64/ {print $NF; exit}')
  if [ ! -e "$lib/libz.so" ] && [ -n "$target" ]; then
    ln -sfn "$target" "$lib/libz.so"
    echo "libz.so -> $target"
  fi
  # pkg-config files and the HDF5 settings name /usr: make them name the prefix.
  find "$prefix/usr" -name '*.pc' -path '*pkgconfig*' -exec \
    sed -i -E "s#^prefix=/usr\$#prefix=$prefix/usr#; s#=/usr/(lib|include)#=$prefix/usr/\\1#g" {} +
  # What the GPU machine must not lose: Qt's tools run from here.
  test -x "$prefix/usr/lib/qt6/libexec/moc"
  test -f "$prefix/usr/lib/$arch/cmake/Qt6/Qt6Config.cmake"
  test -f "$prefix/usr/include/hdf5/serial/H5Cpp.h"
  echo "prefix ready: $(du -sh "$prefix" | cut -f1)"
}
# Rehearsal only: hide every system file the prefix also provides (bind mounts in this private
# mount namespace), so that configure, compile, link and run can only use the prefix.
hide_system_copies() {
  set -e
  local n=0 d
  for d in "/usr/include/$arch/qt6" /usr/lib/qt6 "/usr/lib/$arch/qt6" /usr/include/hdf5 \
           "/usr/lib/$arch/hdf5" "/usr/lib/$arch/cmake"/Qt6*; do
    if [ -d "$d" ]; then mount -t tmpfs -o size=1M,mode=755 none "$d"; n=$((n + 1)); fi
  done
  declare -A hidden
  local rel tgt trel
  while IFS= read -r rel; do
    rel=${rel#./}
    case "$rel" in usr/share/*) continue ;; esac
    [ -e "/$rel" ] || continue
    [ -d "/$rel" ] && continue
    tgt=$(readlink -f "/$rel")
    trel=${tgt#/}
    # Hide only what resolves to a file the prefix provides too (never the machine's libz.so.1
    # through the libz.so link, say).
    if [ -e "$prefix/$trel" ] || [ -L "$prefix/$trel" ] || [ -e "$work/fallback/$trel" ] ||
       [ -e "$prefix/${trel#usr/}" ] || [ -e "$work/fallback/${trel#usr/}" ]; then
      if [ -z "${hidden[$tgt]:-}" ]; then
        mount --bind /dev/null "$tgt"
        hidden[$tgt]=1
        n=$((n + 1))
      fi
    fi
  done < <(cd "$prefix" && find . \( -type f -o -type l \); cd "$work/fallback" && find . \( -type f -o -type l \))
  echo "hid $n system paths (directories as empty tmpfs, files as /dev/null):"
  printf '%s\n' "${!hidden[@]}" | sort
}

if run_step prefix 90 bash -c "$(declare -f unpack_deb soname_of system_has prepare_prefix); \
      arch=$arch prefix='$prefix' work='$work' runtime='$runtime' prefix_only=$prefix_only prepare_prefix"; then
  prefix_ok=1
else
  prefix_ok=0
  set_cell build "$(failed_cell "$logs/prefix.log") (unpacking the runtime packages)"
fi
if [ "${NWC_CHECK_IN_NAMESPACE:-}" = 1 ] && [ $prefix_ok = 1 ]; then
  # Not through run_step: the mounts must happen in this shell's namespace (they do: a child
  # of this shell shares it), and it must not run under timeout's process group games.
  (arch=$arch prefix=$prefix work=$work hide_system_copies) >"$logs/hide.log" 2>&1 ||
    echo "device-check: hiding the system copies failed (see logs/hide.log)" | tee -a "$out/device-check.log"
  { echo "### hide"; cat "$logs/hide.log"; echo; } >>"$out/device-check.log"
fi

lib=$prefix/usr/lib/$arch
export LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export PKG_CONFIG_PATH="$lib/pkgconfig:$prefix/usr/share/pkgconfig"
export PKG_CONFIG_LIBDIR="$PKG_CONFIG_PATH"
export NWC_EXTERNAL_DIR="$work/external"

# Test data: gunzipped once into the work folder.
mkdir -p "$NWC_EXTERNAL_DIR"
if [ -d "$runtime/external" ]; then
  (cd "$runtime/external" && find . -name '*.gz') | while IFS= read -r f; do
    mkdir -p "$NWC_EXTERNAL_DIR/$(dirname "$f")"
    gunzip -c "$runtime/external/$f" >"$NWC_EXTERNAL_DIR/${f%.gz}"
  done
fi

# ---------------------------------------------------------------- LibTorch, CUDA
torch_args=()
if [ -n "${NWC_TORCH_DIR:-}" ]; then
  torch_args=(-DTorch_DIR="$NWC_TORCH_DIR")
  torch_prefix=""
else
  torch_prefix=${NWC_TORCH_PREFIX:-$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)' 2>/dev/null)}
  if [ -z "${NWC_TORCH_PREFIX:-}" ]; then
    # PyTorch's own libraries and the NVIDIA wheels they load, for the linker and the programs.
    extra=$(python3 - <<'EOF' 2>/dev/null
import glob, os, torch
dirs = [os.path.join(os.path.dirname(torch.__file__), "lib")]
try:
    import nvidia
    for base in nvidia.__path__:
        dirs += sorted(glob.glob(os.path.join(base, "*", "lib"))) + sorted(glob.glob(os.path.join(base, "*", "*", "lib")))
except ImportError:
    pass
print(":".join(d for d in dirs if os.path.isdir(d)))
EOF
)
    [ -n "$extra" ] && export LD_LIBRARY_PATH="$LD_LIBRARY_PATH:$extra"
  fi
fi
cuda_args=()
nvcc_path=$(command -v nvcc || true)
[ -z "$nvcc_path" ] && [ -x /usr/local/cuda/bin/nvcc ] && nvcc_path=/usr/local/cuda/bin/nvcc
if [ -n "$nvcc_path" ]; then
  cuda_args=(-DCMAKE_CUDA_COMPILER="$nvcc_path" -DCUDAToolkit_ROOT="$(dirname "$(dirname "$nvcc_path")")")
fi
export TORCH_CUDA_ARCH_LIST=${TORCH_CUDA_ARCH_LIST:-9.0}

# ---------------------------------------------------------------- configure and build
configured=0
if [ $prefix_ok = 1 ]; then
  run_step configure 150 cmake -S "$root" -B "$build" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release -DNWC_GUI=OFF -DNWC_CUDA=ON -DNWC_BUILD_TESTS=ON -DNWC_USE_CCACHE=OFF \
    -DCMAKE_CUDA_ARCHITECTURES="${NWC_CUDA_ARCHS:-90}" "${cuda_args[@]}" "${torch_args[@]}" \
    -DCMAKE_PREFIX_PATH="$prefix/usr${torch_prefix:+;$torch_prefix}" \
    -DQt6_DIR="$lib/cmake/Qt6" \
    -DHDF5_ROOT="$prefix/usr/include;$lib" -DHDF5_NO_FIND_PACKAGE_CONFIG_FILE=ON \
    -DHDF5_C_INCLUDE_DIR="$prefix/usr/include/hdf5/serial" -DHDF5_CXX_INCLUDE_DIR="$prefix/usr/include/hdf5/serial" \
    -DHDF5_hdf5_LIBRARY_RELEASE="$lib/hdf5/serial/libhdf5.so" \
    -DHDF5_hdf5_cpp_LIBRARY_RELEASE="$lib/hdf5/serial/libhdf5_cpp.so" \
    -DZLIB_INCLUDE_DIR="$prefix/usr/include" -DZLIB_LIBRARY="$lib/libz.so" \
    -DPKG_CONFIG_EXECUTABLE="$prefix/usr/bin/pkgconf" \
    -DNWC_EXTERNAL_DIR="$NWC_EXTERNAL_DIR"
  if [ $step_status = 0 ]; then
    configured=1
    # An option() gives NWC_CUDA the type BOOL; a -D the project never reads stays UNINITIALIZED.
    grep -q '^NWC_CUDA:BOOL=' "$build/CMakeCache.txt" || cuda_unknown=1
  else
    set_cell build "$(failed_cell "$logs/configure.log") (configure)"
  fi
fi

declare -A have_target
if [ $configured = 1 ]; then
  mapfile -t gpu_tests < <(ctest --test-dir "$build" -N -L gpu 2>/dev/null | sed -n -E 's/^ *Test +#[0-9]+: +([^ ]+).*/\1/p')
  while IFS= read -r t; do have_target[$t]=1; done < <(ninja -C "$build" -t targets all 2>/dev/null | sed -E 's/:.*//')
  want=(nwc bench_runtime bench_lane_rans "${gpu_tests[@]}")
  targets=()
  missing=()
  for t in "${want[@]}"; do
    if [ -n "${have_target[$t]:-}" ]; then targets+=("$t"); else missing+=("$t"); fi
  done
  run_step build "${NWC_CHECK_BUILD_S:-360}" cmake --build "$build" -j "$jobs" --target "${targets[@]}" -- -k 0
  note=""
  [ -n "${cuda_unknown:-}" ] && note="; CMake does not know NWC_CUDA yet"
  [ ${#gpu_tests[@]} = 0 ] && note="$note; no test has the label gpu"
  [ ${#missing[@]} -gt 0 ] && note="$note; no target ${missing[*]}"
  [ -n "$(find "$build" -name 'cudakernels.cu.o' -print -quit)" ] || note="$note; the CUDA kernels were not compiled"
  if [ $step_status = 0 ]; then
    set_cell build "ok in ${step_seconds} s (${jobs} jobs)$note"
  else
    set_cell build "$(failed_cell "$logs/build.log")$note"
  fi
fi
bin_nwc=$build/app/nwc
bench_dir=$build/tests/bench
have() { [ -x "$1" ]; }

# ---------------------------------------------------------------- GPU tests
if [ $configured = 1 ]; then
  if [ ${#gpu_tests[@]} = 0 ]; then
    set_cell "GPU tests" "not applicable: no test has the label gpu in this build"
  else
    run_step ctest-gpu 150 ctest --test-dir "$build" -L gpu --output-on-failure --timeout 120
    summary=$(grep -a -E 'tests passed|tests failed' "$logs/ctest-gpu.log" | tail -1)
    # --output-on-failure hides a passing test's output; ctest keeps all of it here. Qt Test
    # prints "SKIP   : Class::function() why" for every QSKIP.
    cat "$build"/Testing/Temporary/LastTest*.log >"$logs/ctest-gpu-full.log" 2>/dev/null
    skips=$(grep -a -c -E '^SKIP +:' "$logs/ctest-gpu-full.log")
    why=$(grep -a -E '^SKIP +:' "$logs/ctest-gpu-full.log" | head -1 | sed -E 's/^SKIP +: +//' | md)
    [ "$skips" -gt 0 ] && summary="$summary; $skips test functions skipped (first: $why)"
    if [ $step_status = 0 ]; then
      set_cell "GPU tests" "$(echo "$summary" | md)"
    else
      bad=$(grep -a -E '\*\*\*(Failed|Not Run|Timeout|Exception)' "$logs/ctest-gpu.log" |
            sed -E 's/.*Test +#[0-9]+: +([^ ]+) .*\*\*\*([A-Za-z ]+[a-z]).*/\1 \2/' | tr '\n' ',' | sed 's/,$//')
      if [ "$step_status" = 124 ] || [ -z "$bad" ]; then
        set_cell "GPU tests" "$(failed_cell "$logs/ctest-gpu.log") ($(echo "$summary" | md))"
      else
        set_cell "GPU tests" "failed: $(echo "$bad" | md) ($(echo "$summary" | md))"
      fi
    fi
  fi
fi

# ---------------------------------------------------------------- does --device cuda work at all
cuda_ok=0
if have "$bin_nwc"; then
  run_step cuda-probe 90 "$bin_nwc" bench demo:student --device cuda --repeats 1 --prompt-tokens 16 --decode-tokens 4
  if [ $step_status = 0 ]; then
    cuda_ok=1
    set_cell "cuda probe" "ok: nwc computes on ${device_name:-the GPU}"
  else
    probe_reason=$(reason "$step_status" "$logs/cuda-probe.log" "$step_limit")
    set_cell "cuda probe" "failed: $probe_reason"
  fi
else
  set_cell "cuda probe" "not run: nwc was not built"
fi
[ "${NWC_CHECK_FORCE_ALL:-0}" = 1 ] && cuda_ok=1
not_cuda="not run: --device cuda refused (${probe_reason:-see the cuda probe})"

# ---------------------------------------------------------------- lane rANS
if have "$bench_dir/bench_lane_rans"; then
  run_step lane-rans 120 "$bench_dir/bench_lane_rans"
  row=$(grep -a -E '^\| v2: 32 lanes, CUDA' "$logs/lane-rans.log" | head -1)
  if [ -n "$row" ]; then
    rate=$(echo "$row" | awk -F'|' '{gsub(/ /, "", $3); print $3}')
    exact=$(echo "$row" | awk -F'|' '{gsub(/ /, "", $7); print $7}')
    set_cell "lane rANS decode, GPU" "$rate M symbols/s (exact: $exact; $(echo "$row" | awk -F'|' '{print $2}' | md))"
  elif grep -q -a 'CUDA kernels built, but' "$logs/lane-rans.log"; then
    set_cell "lane rANS decode, GPU" "failed: $(grep -a 'CUDA kernels built, but' "$logs/lane-rans.log" | head -1 | md)"
  elif grep -q -a 'CUDA decode failed' "$logs/lane-rans.log"; then
    set_cell "lane rANS decode, GPU" "failed: $(grep -a 'CUDA decode failed' "$logs/lane-rans.log" | head -1 | md)"
  elif [ $step_status != 0 ]; then
    set_cell "lane rANS decode, GPU" "$(failed_cell "$logs/lane-rans.log")"
  else
    set_cell "lane rANS decode, GPU" "not applicable: bench_lane_rans was built without the CUDA kernels (NWC_HAVE_CUDA_KERNELS); CPU rows in the log"
  fi
else
  set_cell "lane rANS decode, GPU" "not run: bench_lane_rans was not built"
fi

# ---------------------------------------------------------------- runtime at real sizes
json_field() { # json_field FILE KEY: KEY of the last JSON value in FILE (an array's first object)
  python3 - "$1" "$2" <<'EOF' 2>/dev/null
import json, sys
lines = open(sys.argv[1], errors="replace").read().split("\n")
starts = [i for i, l in enumerate(lines) if l.startswith(("[", "{"))]
data, _ = json.JSONDecoder().raw_decode("\n".join(lines[starts[-1]:]))
row = data[0] if isinstance(data, list) else data
print(row[sys.argv[2]])
EOF
}
measure_shape() { # measure_shape SHAPE
  local s=$1 label="$1 prefill / decode tok/s" gen_limit=150 bench_limit=120
  case "$s" in Llama-2-7B) gen_limit=300 bench_limit=150 ;; esac
  if ! have "$bench_dir/bench_runtime"; then set_cell "$label" "not run: bench_runtime was not built"; return; fi
  if [ $cuda_ok != 1 ]; then set_cell "$label" "$not_cuda"; return; fi
  # bench_runtime writes the random checkpoint if it is missing, then measures it on the GPU.
  run_step "runtime-$s" $((gen_limit + bench_limit)) "$bench_dir/bench_runtime" --folder "$models" --shapes "$s" --device cuda
  # The checkpoint is complete once its file and tokenizer are there (QSaveFile renames the
  # file at the end), even if the measurement after it failed or ran out of time.
  if [ -f "$models/$s/model.safetensors" ] &&
     { [ -f "$models/$s/tokenizer.json" ] || [ -f "$models/$s/tokenizer.model" ]; }; then
    touch "$models/$s/.complete"
  fi
  local r
  r=$(grep -a -E "^\| $s " "$logs/runtime-$s.log" | tail -1)
  if [ $step_status = 0 ] && [ -n "$r" ]; then
    set_cell "$label" "$(echo "$r" | awk -F'|' '{gsub(/ /,"",$6); gsub(/ /,"",$7); print $6 " / " $7}')"
  else
    set_cell "$label" "$(failed_cell "$logs/runtime-$s.log")"
  fi
}
# The compression shape first: compression needs its checkpoint.
for s in "${shape_list[@]}"; do [ "$s" = "$compress_shape" ] && measure_shape "$s"; done

# ---------------------------------------------------------------- codec training (short)
if have "$bin_nwc"; then
  if [ $cuda_ok = 1 ]; then
    run_step train-codec 120 "$bin_nwc" train-codec --models demo:teacher --preset paper --lambda 1765 \
      --steps 30 --checkpoint-every 1000 --device cuda -o "$work/paper-codec.h5" --json
    if [ $step_status = 0 ]; then
      st=$(json_field "$logs/train-codec.log" steps)
      sec=$(json_field "$logs/train-codec.log" seconds)
      if [ -n "$st" ] && [ -n "$sec" ]; then
        set_cell "codec training, paper preset" "$(awk -v a="$st" -v b="$sec" 'BEGIN { printf "%.2f steps/s (%d steps in %.1f s)", a / b, a, b }')"
      else
        set_cell "codec training, paper preset" "failed: no JSON result in the log"
      fi
    else
      set_cell "codec training, paper preset" "$(failed_cell "$logs/train-codec.log")"
    fi
  else
    set_cell "codec training, paper preset" "$not_cuda"
  fi
else
  set_cell "codec training, paper preset" "not run: nwc was not built"
fi

# ---------------------------------------------------------------- compression of the 0.5B shape
compress() { # compress METHOD LABEL LIMIT
  local label=$2
  if ! have "$bin_nwc"; then set_cell "$label" "not run: nwc was not built"; return; fi
  if [ $cuda_ok != 1 ]; then set_cell "$label" "$not_cuda"; return; fi
  if [ ! -f "$models/$compress_shape/.complete" ]; then
    set_cell "$label" "not run: no $compress_shape checkpoint (see its runtime row)"
    return
  fi
  if [ ! -f "$NWC_EXTERNAL_DIR/calib.txt" ]; then
    set_cell "$label" "not run: no calibration text (tests/gpu/runtime/external/calib.txt.gz)"
    return
  fi
  run_step "compress-$1" "$3" "$bin_nwc" compress "$models/$compress_shape" --method "$1" --bits 4 \
    --calib-text "$NWC_EXTERNAL_DIR/calib.txt" --device cuda -o "$work/$1.nwc"
  if [ $step_status = 0 ]; then
    set_cell "$label" "$step_seconds s ($(du -h "$work/$1.nwc" | cut -f1) written)"
  else
    set_cell "$label" "$(failed_cell "$logs/compress-$1.log")"
  fi
}
compress gptq "GPTQ 4 bpw, $compress_shape" 180
compress nwc "NWC 4 bpw, $compress_shape" 240

# ---------------------------------------------------------------- the other shapes, 7B last
for s in "${shape_list[@]}"; do
  [ "$s" = "$compress_shape" ] && continue
  if [ "$s" = Llama-2-7B ] && [ ! -f "$models/$s/.complete" ] && [ "$(left)" -lt 240 ]; then
    set_cell "$s prefill / decode tok/s" "skipped: $(left) s of the budget left; writing the 13.5 GB checkpoint needs more (raise NWC_CHECK_BUDGET_S and rerun on the warm machine)"
    continue
  fi
  measure_shape "$s"
done

finish
