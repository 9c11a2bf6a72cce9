#!/usr/bin/env bash
# Run an esegen sweep on a Slurm cluster: a job array runs the shards, a dependent job merges them.
#
# Usage:
#   scripts/slurm-sweep.sh --shards N --out DIR [--search] [--cpus C] [--mem M] [--time T]
#                          [--partition P] [--sbatch-arg ARG]... -- SWEEP_OPTIONS...
#
#   SWEEP_OPTIONS  everything `esegen sweep` takes except --out, --shard and --resume, e.g.
#                  --preset ese --synthetic 153,1024,512,0.112 --pes 8,16,32,64 --weight-bits 8,12,16
#   --shards N     array size: shard k of N runs the grid points whose index i has i mod N = k - 1
#   --out DIR      DIR/shard-K per array task, DIR/merged for the merge, DIR/slurm for scripts and logs
#   --cpus C       CPUs per task; the sweep runs as many points at once as they and the task's memory
#                  allow
#   --mem M        memory per task, --time T time limit per task; each of --cpus, --mem and --time
#                  left out comes from `esegen sweep ... --shard 1/N --estimate` (the largest shard:
#                  2 CPUs, the largest point's memory plus 25 %, its points one after the other plus
#                  50 % and 10 minutes; coarse, on the safe side)
#   --partition P, --sbatch-arg ARG   passed to sbatch (ARG repeatable, e.g. --sbatch-arg=--account=hw)
#
# What it does:
#   1. builds esegen once, here (array tasks then share the build instead of racing to make it);
#   2. writes DIR/slurm/array.sh and DIR/slurm/merge.sh (the exact commands, quoted);
#   3. sbatch --array=1-N array.sh: task K runs
#        esegen sweep SWEEP_OPTIONS --shard K/N --resume --out DIR/shard-K
#      (--resume: a requeued or resubmitted task skips the points it already finished);
#   4. sbatch --dependency=afterany:ARRAY_JOB merge.sh, which runs
#        esegen sweep-merge --out DIR/merged DIR/shard-1 ... DIR/shard-N
#      afterany, so the merge runs even when a task failed; it then fails (exit 2) naming the grid
#      points no shard finished. Running this script again with the same arguments resubmits both
#      jobs; finished points are kept, partial ones redone.
# Results: DIR/merged/results.csv, results.json, report.html; logs: DIR/slurm/*.log.
#
# With --search the options after -- are `esegen search`'s (except --out, --shard, --resume,
# --measured): task K runs `esegen search ... --shard K/N --resume --out DIR/shard-K` (every task
# bounds the candidates and walks the accuracy floor the same way, then measures slice K of the
# shortlist), and the dependent job merges the slices' DIR/shard-K/measured into DIR/merged and runs
# `esegen search ... --measured DIR/merged --resume --out DIR/search` (the pick: DIR/search/best.json
# and report.html). The search is not pre-checked here; --cpus, --mem and --time left out default to
# 2 CPUs, 8G and 4:00:00 (a measured ESE-size point takes about 10 minutes and 3 GB; raise --time for
# large budgets or models).
# DIR and the esegen checkout must be on a filesystem the compute nodes share.
#
# Environment: ESEGEN (default: the esegen launcher next to this script), SBATCH (default: sbatch).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
esegen="${ESEGEN:-$root/esegen}"
sbatch="${SBATCH:-sbatch}"

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//' >&2
  exit 2
}

shards="" out="" cpus="" mem="" time_limit="" partition="" search=""
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --shards) shards="${2:-}"; shift 2 ;;
    --out) out="${2:-}"; shift 2 ;;
    --search) search=1; shift ;;
    --cpus) cpus="${2:-}"; shift 2 ;;
    --mem) mem="${2:-}"; shift 2 ;;
    --time) time_limit="${2:-}"; shift 2 ;;
    --partition) partition="${2:-}"; shift 2 ;;
    --sbatch-arg=*) extra+=("${1#--sbatch-arg=}"); shift ;;
    --sbatch-arg) extra+=("${2:-}"); shift 2 ;;
    --) shift; break ;;
    -h|--help) usage ;;
    *) echo "slurm-sweep: unknown option '$1' (sweep options go after --)" >&2; usage ;;
  esac
done
sweep_args=("$@")

if ! [[ "$shards" =~ ^[1-9][0-9]*$ ]]; then
  echo "slurm-sweep: --shards N is required, N a whole number >= 1 (got '$shards')" >&2; exit 2
fi
if [ -z "$out" ]; then
  echo "slurm-sweep: --out DIR is required" >&2; exit 2
fi
if [ ${#sweep_args[@]} -eq 0 ]; then
  echo "slurm-sweep: give the sweep options after --, e.g. -- --synthetic 16,32,16 --pes 2,4" >&2; exit 2
fi
for a in "${sweep_args[@]}"; do
  case "$a" in
    --out|--out=*|--shard|--shard=*|--resume|--measured|--measured=*)
      echo "slurm-sweep: '$a' is set per task by this script; leave it out of the sweep options" >&2; exit 2 ;;
  esac
done

mkdir -p "$out/slurm"
out="$(cd "$out" && pwd)"

# Build once and check the spec here: a bad spec fails now (exit 2), not in N queued tasks.
"$esegen" --version >/dev/null
if [ -n "$search" ]; then
  [ -n "$cpus" ] || cpus=2
  [ -n "$mem" ] || mem=8G
  [ -n "$time_limit" ] || time_limit=4:00:00
  echo "slurm-sweep: search; each task asks for $cpus CPUs, $mem of memory, $time_limit"
else
  "$esegen" sweep "${sweep_args[@]}" --shard "1/$shards" --list >/dev/null
  estimate="$("$esegen" sweep "${sweep_args[@]}" --shard "1/$shards" --estimate)"
  field() { printf '%s' "$estimate" | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }
  [ -n "$cpus" ] || cpus="$(field cpus)"
  [ -n "$mem" ] || mem="$(field memory_mib)M"
  if [ -z "$time_limit" ]; then
    s="$(field seconds)"
    time_limit="$(printf '%d:%02d:%02d' $((s / 3600)) $((s % 3600 / 60)) $((s % 60)))"
  fi
  echo "slurm-sweep: each task asks for $cpus CPUs, $mem of memory, $time_limit (estimate: $estimate)"
fi

q() { printf '%q ' "$@"; }

command=sweep
[ -n "$search" ] && command=search
cat >"$out/slurm/array.sh" <<EOF
#!/usr/bin/env bash
# esegen $command shard \$SLURM_ARRAY_TASK_ID of $shards (written by scripts/slurm-sweep.sh)
set -euo pipefail
k="\${SLURM_ARRAY_TASK_ID:?run me with sbatch --array=1-$shards}"
exec $(q "$esegen") $command $(q "${sweep_args[@]}")--shard "\$k/$shards" --resume --out $(printf '%q' "$out")/shard-"\$k"
EOF

shard_dirs=()
measured_dirs=()
for k in $(seq 1 "$shards"); do
  shard_dirs+=("$out/shard-$k")
  measured_dirs+=("$out/shard-$k/measured")
done
if [ -n "$search" ]; then
  cat >"$out/slurm/merge.sh" <<EOF
#!/usr/bin/env bash
# merge the $shards slices of an esegen search's shortlist, then pick (written by scripts/slurm-sweep.sh)
set -euo pipefail
$(q "$esegen") sweep-merge --partial --out $(q "$out/merged") $(q "${measured_dirs[@]}")
exec $(q "$esegen") search $(q "${sweep_args[@]}")--measured $(q "$out/merged") --resume --out $(q "$out/search")
EOF
else
  cat >"$out/slurm/merge.sh" <<EOF
#!/usr/bin/env bash
# merge the $shards shards of an esegen sweep (written by scripts/slurm-sweep.sh)
set -euo pipefail
exec $(q "$esegen") sweep-merge --out $(q "$out/merged") $(q "${shard_dirs[@]}")
EOF
fi
chmod +x "$out/slurm/array.sh" "$out/slurm/merge.sh"

common=(--cpus-per-task="$cpus" --mem="$mem" --time="$time_limit")
[ -n "$partition" ] && common+=(--partition="$partition")
common+=("${extra[@]+"${extra[@]}"}")

array_job="$("$sbatch" --parsable --job-name=esegen-sweep --array="1-$shards" \
  --output="$out/slurm/shard-%a.log" "${common[@]}" "$out/slurm/array.sh")"
array_job="${array_job%%;*}"
merge_job="$("$sbatch" --parsable --job-name=esegen-sweep-merge --dependency="afterany:$array_job" \
  --output="$out/slurm/merge.log" "${common[@]}" "$out/slurm/merge.sh")"
merge_job="${merge_job%%;*}"

echo "slurm-sweep: array job $array_job ($shards shards -> $out/shard-K), merge job $merge_job -> $out/merged"
echo "slurm-sweep: follow with: squeue -j $array_job,$merge_job; logs in $out/slurm/"
