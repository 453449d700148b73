#!/bin/sh
# Regenerates the default codec ladder in this folder: learned `fast` codecs at seven
# rate–distortion trade-offs (nominal rates of about 2 to 8 bits per weight) and three
# `identity` codecs (scalar quantization with a learned entropy model) as the baseline the
# learned transforms are measured against. Trained on the built-in demo models' weights only.
# Usage: resources/codecs/train-ladder.sh [path/to/nwc]   (about 25 minutes on 2 cores)
set -e
NWC=${1:-build/release/app/nwc}
DIR=$(dirname "$0")
MODELS=demo:teacher,demo:student
for LAMBDA in 28 110 441 1765 7060 28240 112960; do
  "$NWC" train-codec --models $MODELS --preset fast --lambda $LAMBDA --steps 2000 --seed 1 \
    --id fast-l$LAMBDA -o "$DIR/fast-l$LAMBDA.h5"
done
for LAMBDA in 110 1765 28240; do
  "$NWC" train-codec --models $MODELS --preset identity --lambda $LAMBDA --steps 1500 --seed 1 \
    --id identity-l$LAMBDA -o "$DIR/identity-l$LAMBDA.h5"
done
