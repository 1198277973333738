#!/usr/bin/env bash
# The mdBook html pass over a 100-chapter book (target: well under 100 ms; it runs nothing).
# Every chapter is guides/hello.md, whose snapshot is committed. Run from the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
# benches/run gives the binary it measures; alone, the release build.
bin=${GUIDECHECK_BIN:-}
[ -n "$bin" ] || { cargo build --release --quiet && bin=./target/release/guidecheck; }
input=$(mktemp)
python3 - "$input" <<'PY'
import json, os, sys
root = os.getcwd()
content = open("guides/hello.md").read()
chapters = [{"Chapter": {"name": f"Guide {i}", "content": content, "number": [i], "sub_items": [],
             "path": "guides/hello.md", "source_path": "guides/hello.md", "parent_names": []}}
            for i in range(1, 101)]
ctx = {"root": root, "config": {"book": {"src": "."}}, "renderer": "html", "mdbook_version": "0.5.4"}
json.dump([ctx, {"items": chapters}], open(sys.argv[1], "w"))
PY
"$bin" mdbook < "$input" | grep -o 'verified: 14 steps' | wc -l | sed 's/^/badges: /'
runs=20
start=$(date +%s%N)
for _ in $(seq $runs); do "$bin" mdbook < "$input" > /dev/null; done
end=$(date +%s%N)
echo "html pass, 100 chapters: $(( (end - start) / runs / 1000000 )) ms per run (mean of $runs)"
rm -f "$input"
