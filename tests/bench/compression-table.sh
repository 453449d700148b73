#!/bin/sh
# Measures the compression table of the README: for one model, NWC (default: the ladder's
# identity codecs; the learned `fast` codecs; both, chosen per tensor), RTN and GPTQ at 3, 4 and 5
# bits, plus NWC at exactly the bytes RTN used; each point compressed, then evaluated against the uncompressed
# model (perplexity, mean KL, same top token). Prints a Markdown table.
#
# Usage: compression-table.sh NWC MODEL EVAL_TEXT "EVAL_OPTIONS" [CALIBRATION_TEXT]
#   tests/bench/compression-table.sh build/release/app/nwc demo:teacher \
#       resources/demo/heldout.txt "--ctx 256 --stride 128"
#   tests/bench/compression-table.sh build/release/app/nwc \
#       ../shared/external/llama2c-stories260K/stories260K.bin \
#       ../shared/external/corpus-tinystories-val/tinystories_val.txt \
#       "--ctx 256 --stride 255 --max-bytes 60000" \
#       ../shared/external/corpus-tinyshakespeare/input.txt
set -e
NWC=$1
MODEL=$2
TEXT=$3
EVAL_OPTIONS=$4
CALIB=$5
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

number() { # KEY FILE: the first numeric value of "KEY" in a JSON file
  grep -o "\"$1\": *[-0-9.e+]*" "$2" | head -n 1 | sed 's/.*: *//'
}

calib_args=""
[ -n "$CALIB" ] && calib_args="--text $CALIB"

# shellcheck disable=SC2086
"$NWC" eval "$MODEL" --text "$TEXT" $EVAL_OPTIONS --json > "$WORK/fp.json" 2>/dev/null
FP=$(number perplexity "$WORK/fp.json")

echo "model: $MODEL; evaluation: $TEXT $EVAL_OPTIONS; uncompressed perplexity $FP"
echo
echo "| method | target | bpw (from bytes) | counted bytes | file bytes | perplexity | × FP | mean KL (nats) | same top |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"

point() { # LABEL TARGET COMPRESS_OPTIONS...
  label=$1
  target=$2
  shift 2
  out="$WORK/point.nwc"
  # shellcheck disable=SC2086
  if ! "$NWC" compress "$MODEL" --bits "$target" -o "$out" --json "$@" > "$WORK/c.json" 2> "$WORK/c.err"; then
    echo "| $label | $target | refused: $(tail -n 1 "$WORK/c.err" | sed 's/nwc: error: //') | | | | | | |"
    return
  fi
  # shellcheck disable=SC2086
  "$NWC" eval "$out" --text "$TEXT" $EVAL_OPTIONS --reference "$MODEL" --json > "$WORK/e.json" 2>/dev/null
  ppl=$(number perplexity "$WORK/e.json")
  awk -v l="$label" -v t="$target" -v b="$(number achieved_bpw "$WORK/c.json")" \
      -v cb="$(number counted_bytes "$WORK/c.json")" -v fb="$(number file_bytes "$WORK/c.json")" \
      -v p="$ppl" -v fp="$FP" -v kl="$(number mean_kl "$WORK/e.json")" \
      -v top="$(number same_top_rate "$WORK/e.json")" \
      'BEGIN { printf "| %s | %s | %.3f | %d | %d | %.4f | %.3f | %.4f | %.1f %% |\n", l, t, b, cb, fb, p, p / fp, kl, 100 * top }'
  if [ "$label" = rtn ]; then
    number achieved_bpw "$WORK/c.json" > "$WORK/rtn-bpw"
  fi
}

for bits in 3 4 5; do
  # shellcheck disable=SC2086
  point nwc "$bits" $calib_args
  # shellcheck disable=SC2086
  point "nwc, learned fast codecs" "$bits" $calib_args --ladder fast
  # shellcheck disable=SC2086
  point "nwc, fast + identity per tensor" "$bits" $calib_args --ladder all
  point rtn "$bits" --method rtn
  # shellcheck disable=SC2086
  point gptq "$bits" --method gptq $calib_args
  equal=$(awk '{ printf "%.3f", $1 }' "$WORK/rtn-bpw")
  # shellcheck disable=SC2086
  point "nwc at RTN's bytes" "$equal" $calib_args
done
