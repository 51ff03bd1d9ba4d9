#!/usr/bin/env bash
# The generated site of bench/scale.sh and bench/profile.sh, made once: N
# articles with every explainer part, search off, in DIR, marked complete
# so that a run stopped halfway is made again rather than measured.
#
#   bench/generated_site.sh N DIR
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
n="$1"
site="$2"
if [ ! -f "$site/.complete" ]; then
    rm -rf "$site"
    python3 "$BENCH_DIR/gen_site.py" "$n" "$site" --seed 1 --all-parts >&2
    echo 'search = false' >>"$site/site.toml"
    touch "$site/.complete"
fi
