#!/usr/bin/env bash
# Reproduces the README's "Real speech" accuracy table for one data set and one shape:
#   scripts/speech-figures.sh DATA OUT HIDDEN PROJ EPOCHS RETRAIN_EPOCHS [PRESET]
# DATA: an FSDD folder or a manifest .csv; OUT: a new folder for the models and figures.
# Trains the dense model, then for ESE pruning at 11.2 %, CBTD at 6 % and global at 11.2 % makes the
# one-shot pruned model (no retraining) and the pruned and retrained one; evaluates each in float and
# fixed (the bit-exact golden model with PRESET's formats, default ese). Prints one JSON line per
# evaluation and writes them to OUT/figures.jsonl.
set -euo pipefail
data=$1 out=$2 hidden=$3 proj=$4 epochs=$5 retrain=$6 preset=${7:-ese}
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
esegen="$root/esegen"
mkdir -p "$out"
: > "$out/figures.jsonl"
evaluate() { # evaluate MODEL LABEL [--set f=v ...]
  local model=$1 label=$2
  shift 2
  for mode in float fixed; do
    line=$("$esegen" evaluate --model "$model" --data "$data" --mode "$mode" --preset "$preset" "$@" --json)
    echo "{\"row\": \"$label\", ${line#\{}" | tee -a "$out/figures.jsonl"
  done
}
"$esegen" train --data "$data" --hidden "$hidden" --proj "$proj" --peepholes --epochs "$epochs" \
  --lr "$( [ "$hidden" -ge 512 ] && echo 0.001 || echo 0.005 )" --out "$out/dense.safetensors" --json | tee "$out/train.json"
# a dense layer needs wider column pointers than the pruned ones (ptrBits 16 counts 65,535 entries a PE)
evaluate "$out/dense.safetensors" dense --set ptrBits=20
for spec in ese:0.112 cbtd:0.06 global:0.112; do
  method=${spec%:*} density=${spec#*:}
  "$esegen" compress --model "$out/dense.safetensors" --data "$data" --method "$method" --density "$density" \
    --preset "$preset" --retrain-epochs 0 --stages 1 --out "$out/$method-oneshot.safetensors" --json
  evaluate "$out/$method-oneshot.safetensors" "$method-$density-one-shot"
  "$esegen" compress --model "$out/dense.safetensors" --data "$data" --method "$method" --density "$density" \
    --preset "$preset" --retrain-epochs "$retrain" --out "$out/$method.safetensors" --json | tee "$out/$method.json"
  evaluate "$out/$method.safetensors" "$method-$density-retrained"
done
