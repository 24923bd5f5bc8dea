#!/usr/bin/env bash
# Run the fuzz targets (cargo-fuzz, nightly) for SECONDS each (default 600),
# seeded with the project's fixtures and rule files, on JOBS cores (default 1).
#   cargo install cargo-fuzz; bash fuzz/run.sh 600 2
# FUZZ_TRACE_COMPARES=1 builds with comparison tracing (slower, see below).
# No sanitizer: the crate forbids unsafe code, so AddressSanitizer finds
# nothing Rust's own checks miss, and it costs about six times the inputs/s.
# Inputs up to 4 KiB: the pipeline's paths are all reached by short texts,
# and a short input is what lets the fuzzer try millions.
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-600}"
jobs="${2:-1}"
mkdir -p corpus/extract_bytes corpus/rule_file corpus/data_files
cp ../fixtures/*.txt ../examples/rules/example.txt corpus/extract_bytes/
cp ../rules/*.toml ../examples/rules/example.toml corpus/rule_file/
# data_files: the first byte picks the kind (0 rules, 1 lexicon, 2 word lists)
for f in ../rules/*.toml ../examples/rules/example.toml; do
  { printf '\x00'; head -c 4000 "$f"; } > "corpus/data_files/rules-$(basename "$f")"
done
# (a lexicon of invented names: copies of the shipped lexicons would put
# public names into files the no-eval-text check reads)
printf '\x01# surface\tTYPE\tcanonical\n星澜科技\tORG\t星澜科技有限公司\n岚州\tLOCATION\n柯远舟\tPERSON\n' \
  > corpus/data_files/lexicon-invented.tsv
for f in ../data/words/words.toml ../examples/rules/words.toml; do
  { printf '\x02'; head -c 4000 "$f"; } > "corpus/data_files/words-$(basename "$(dirname "$f")")-$(basename "$f")"
done
# Comparison tracing (libFuzzer's value profile of every integer compare)
# took three fifths of the run time on extract_bytes and cut the rate to a
# third; it is off unless FUZZ_TRACE_COMPARES=1 (coverage still grew without it).
trace=(--no-trace-compares)
[ "${FUZZ_TRACE_COMPARES:-0}" = 1 ] && trace=()
for target in extract_bytes data_files rule_file; do
  cargo +nightly fuzz run "${trace[@]}" --sanitizer none "$target" "corpus/$target" -- \
    -max_total_time="$secs" -max_len=4096 -rss_limit_mb=4096 -jobs="$jobs" -workers="$jobs" \
    -print_final_stats=1 2>&1 | tail -n 12
done
