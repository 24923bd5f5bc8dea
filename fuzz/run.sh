#!/usr/bin/env bash
# Run both fuzz targets (cargo-fuzz, nightly) for SECONDS each (default 600),
# seeded with the project's fixtures and rule files.
#   cargo install cargo-fuzz; bash fuzz/run.sh 600
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-600}"
mkdir -p corpus/extract_bytes corpus/rule_file
cp ../fixtures/*.txt ../examples/rules/example.txt corpus/extract_bytes/
cp ../rules/*.toml ../examples/rules/example.toml corpus/rule_file/
for target in extract_bytes rule_file; do
  cargo +nightly fuzz run "$target" "corpus/$target" -- -max_total_time="$secs" -max_len=65536 -rss_limit_mb=4096 2>&1 | tail -n 12
done
