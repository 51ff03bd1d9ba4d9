#!/usr/bin/env bash
# Benchmarks a full `forklar build` against a full `hugo` build of the same
# generated content. See bench/README.md.
#
#   bench/run.sh [--forklar-only] [--no-disk] [N...]      (default sizes: 1000 10000)
#
# Then bench/disk.sh: rebuilds over an existing output folder on the real disk
# and on tmpfs, at 10000 articles (or the largest size asked for, if smaller).
#
# Environment:
#   SEED=1            seed for gen_site.py
#   ALL_PARTS=1       articles with every explainer part (gen_site.py --all-parts); 0: the
#                     timeline, quotes, sources and background only, as before
#   SEARCH=1          0: `search = false` in the generated sites, to measure the build
#                     without its search index (see bench/search.sh for what search costs)
#   RUNS=             override the number of runs per size (default 5 for N <= 10000, else 3)
#   SAMPLE_RUNS=10    runs of the repository's own sample site, copied to tmpfs (0 skips it);
#                     then 4x as many with hyperfine -N, into an empty folder and over kept output
#   NO_BUILD=1        use target/release/forklar as it is, without `cargo build --release`
#   DISK_RUNS=5       rounds of bench/disk.sh (HUGO_RUNS=3: its Hugo rounds)
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH_DIR/.." && pwd)"
SHM=/dev/shm
SEED="${SEED:-1}"
SAMPLE_RUNS="${SAMPLE_RUNS:-10}"
ALL_PARTS="${ALL_PARTS:-1}"
SEARCH="${SEARCH:-1}"
gen_flags=()
[ "$ALL_PARTS" = 1 ] && gen_flags=(--all-parts)

forklar_only=0
no_disk=0
sizes=()
for arg in "$@"; do
    case "$arg" in
        --forklar-only) forklar_only=1 ;;
        --no-disk) no_disk=1 ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        ''|*[!0-9]*) echo "run.sh: not a size: $arg" >&2; exit 2 ;;
        *) sizes+=("$arg") ;;
    esac
done
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# ---- tools -----------------------------------------------------------------
if [ ! -x /usr/bin/time ]; then
    log "/usr/bin/time missing; installing the 'time' package"
    apt-get install -y time >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y time >/dev/null; }
fi

have_hugo=1
if ! command -v hugo >/dev/null 2>&1; then
    have_hugo=0
    echo "hugo not installed: apt-get install hugo  (measuring forklar only)"
fi
[ "$forklar_only" = 1 ] && have_hugo=0

# ---- build forklar -----------------------------------------------------------
# The binary is copied to tmpfs so that other people's rebuilds of target/ cannot
# swap it out in the middle of a measurement.
BIN_DIR="$SHM/forklar-bench-bin"
FORKLAR="$BIN_DIR/forklar"
if [ "${NO_BUILD:-0}" != 1 ]; then
    for attempt in 1 2 3 4 5; do
        log "cargo build --release (attempt $attempt)"
        t0=$(date +%s)
        if (cd "$REPO" && cargo build --release --quiet --bin forklar) >&2; then
            log "build took $(( $(date +%s) - t0 )) s"
            break
        fi
        if [ "$attempt" = 5 ]; then echo "run.sh: cargo build --release failed 5 times" >&2; exit 1; fi
        log "build failed (the tree may be mid-edit); retrying in 60 s"
        sleep 60
    done
fi
mkdir -p "$BIN_DIR"
cp "$REPO/target/release/forklar" "$FORKLAR.tmp" && mv "$FORKLAR.tmp" "$FORKLAR"

# ---- machine -----------------------------------------------------------------
echo "== machine"
echo "nproc:    $(nproc)"
echo "cpu:      $(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "memory:   $(awk '/^MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
echo "kernel:   $(uname -r)"
echo "forklar:  $("$FORKLAR" --version) (binary sha256 $(sha256sum "$FORKLAR" | cut -c1-12); commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?'), built from the working tree)"
if command -v hugo >/dev/null 2>&1; then
    echo "hugo:     $(hugo version)"
else
    echo "hugo:     not installed"
fi
echo "sites and outputs on tmpfs ($SHM); every run is a full build into an empty output folder"
echo

# ---- helpers -----------------------------------------------------------------
TMP="$(mktemp -d "$SHM/forklar-bench-tmp.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

# median of numbers given as arguments (mean of the middle two for an even count)
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }
# Three decimals: a ratio rounded to two would pass 0.035 against a limit of 0.03.
# Four decimals: the verdicts compare these, and 0.0304 must not pass as 0.030 against 0.03.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.4f", a/b; else print "n/a" }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k/1024 }'; }

# measure NAME LOGFILE CMD... : runs CMD under /usr/bin/time, appends "wall kib" to
# $TMP/NAME, fails loudly (with CMD's output) if CMD fails
measure() {
    local name="$1" out="$2" t0 t1; shift 2
    t0=$EPOCHREALTIME
    if ! /usr/bin/time -f '%e %M %U %S' -o "$TMP/time" "$@" >"$out" 2>&1; then
        echo "run.sh: FAILED: $*" >&2
        sed -n '1,40p' "$out" >&2
        return 1
    fi
    t1=$EPOCHREALTIME
    # columns: wall s (from time, 10 ms resolution), peak RSS KiB, user s, system s,
    # wall ms (from bash, microsecond clock, includes starting /usr/bin/time itself:
    # well under 1 ms)
    echo "$(tail -n 1 "$TMP/time") $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b-a)*1000 }')" >>"$TMP/$name"
}

# prints "files size" of an output folder
outstat() { echo "$(find "$1" -type f | wc -l) files, $(du -sh "$1" | cut -f1)"; }

results=()
per_article=()
declare -A wall_of rss_of hugo_wall_of hugo_rss_of

# ---- per size ----------------------------------------------------------------
for n in "${sizes[@]}"; do
    site="$SHM/forklar-bench-$n"
    stamp="seed=$SEED parts=$ALL_PARTS search=$SEARCH gen=$(sha1sum "$BENCH_DIR/gen_site.py" | cut -c1-12) hugo=$(cat "$BENCH_DIR"/hugo/layouts/*/* "$BENCH_DIR"/hugo/layouts/*.html "$BENCH_DIR"/hugo/assets/* | sha1sum | cut -c1-12)"
    if [ "$(cat "$site/.bench-stamp" 2>/dev/null)" != "$stamp" ]; then
        log "generating $n articles in $site"
        t0=$(date +%s)
        rm -rf "$site"
        python3 "$BENCH_DIR/gen_site.py" "$n" "$site" --seed "$SEED" "${gen_flags[@]}"
        [ "$SEARCH" = 1 ] || echo 'search = false' >>"$site/site.toml"
        echo "$stamp" >"$site/.bench-stamp"
        log "generation took $(( $(date +%s) - t0 )) s"
    else
        log "reusing $site (same generator, seed and templates)"
    fi
    runs="${RUNS:-}"
    [ -n "$runs" ] || { if [ "$n" -le 10000 ]; then runs=5; else runs=3; fi; }

    load_before=$(cut -d' ' -f1-3 /proc/loadavg)
    out_f="$SHM/out-forklar-$n"
    out_h="$SHM/out-hugo-$n"
    cache_h="$SHM/hugo-cache-$n"
    rm -f "$TMP/forklar" "$TMP/hugo"
    for ((r = 1; r <= runs; r++)); do
        rm -rf "$out_f"
        measure forklar "$TMP/forklar.log" "$FORKLAR" build --root "$site" --output "$out_f"
        log "N=$n run $r/$runs forklar: $(tail -n1 "$TMP/forklar") (s KiB ms)"
        if [ "$have_hugo" = 1 ]; then
            # no state may survive between runs: output, cache dir, resources/_gen, lock
            rm -rf "$out_h" "$cache_h" "$site/resources" "$site/.hugo_build.lock"
            mkdir -p "$cache_h"
            measure hugo "$TMP/hugo.log" hugo --quiet --source "$site" --destination "$out_h" \
                --cacheDir "$cache_h" --ignoreCache --cleanDestinationDir
            if [ -s "$TMP/hugo.log" ]; then
                log "hugo printed output (warnings?):"; sed -n '1,20p' "$TMP/hugo.log" >&2
            fi
            log "N=$n run $r/$runs hugo:    $(tail -n1 "$TMP/hugo") (s KiB ms)"
        fi
    done

    rm -rf "$cache_h"
    mapfile -t fw < <(cut -d' ' -f1 "$TMP/forklar")
    mapfile -t fm < <(cut -d' ' -f2 "$TMP/forklar")
    f_wall=$(median "${fw[@]}"); f_rss=$(median "${fm[@]}")
    mapfile -t fc < <(awk '{ printf "%.2f\n", $3 + $4 }' "$TMP/forklar")
    f_cpu=$(median "${fc[@]}")
    f_per=$(awk -v w="$f_wall" -v n="$n" 'BEGIN { printf "%.3f", w * 1000 / n }')
    per_article+=("$n $f_per")
    wall_of[$n]=$f_wall; rss_of[$n]=$f_rss
    echo "== N=$n articles ($runs runs each, alternating; site: $(find "$site/content" -name '*.md' | wc -l) .md files, $(du -sh "$site/content" | cut -f1))"
    echo "load average before/after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg) (on $(nproc) cores; above ~0.5 means something else was running)"
    echo "forklar: median wall ${f_wall} s, median peak RSS $(mib "$f_rss")   [walls: ${fw[*]}]"
    echo "         median CPU (user + system) ${f_cpu} s   [${fc[*]}]; ${f_per} ms of wall time per article"
    echo "         forklar says: $(grep -m1 '^Built' "$TMP/forklar.log" || tail -n1 "$TMP/forklar.log")"
    echo "         output: $(outstat "$out_f")"
    if [ "$have_hugo" = 1 ]; then
        mapfile -t hw < <(cut -d' ' -f1 "$TMP/hugo")
        mapfile -t hm < <(cut -d' ' -f2 "$TMP/hugo")
        h_wall=$(median "${hw[@]}"); h_rss=$(median "${hm[@]}")
        echo "hugo:    median wall ${h_wall} s, median peak RSS $(mib "$h_rss")   [walls: ${hw[*]}]"
        echo "         output: $(outstat "$out_h")"
        echo "ratio forklar/hugo: wall $(ratio "$f_wall" "$h_wall"), peak RSS $(ratio "$f_rss" "$h_rss")"
        results+=("$(printf '%-8s %10s %12s %10s %12s %10s %10s' "$n" "$f_wall" "$(mib "$f_rss")" "$h_wall" "$(mib "$h_rss")" "$(ratio "$f_wall" "$h_wall")" "$(ratio "$f_rss" "$h_rss")")")
        hugo_wall_of[$n]=$h_wall; hugo_rss_of[$n]=$h_rss
    else
        [ "$forklar_only" = 1 ] && echo "hugo:    skipped (--forklar-only)" || echo "hugo:    skipped (hugo not installed: apt-get install hugo)"
        results+=("$(printf '%-8s %10s %12s %10s %12s %10s %10s' "$n" "$f_wall" "$(mib "$f_rss")" "-" "-" "-" "-")")
    fi
    echo
done

# ---- the repository's own sample site ------------------------------------------
# A build of a few pages lasts about as long as starting programs around it:
# bash's fork and /usr/bin/time add 2-4 ms here, so the wall time is taken by
# hyperfine -N (no shell; apt-get install hyperfine), from exec to exit. Two
# cases: into an empty folder (every file written, as above), and over the
# kept output of the build before (what a writer's next `forklar build` does:
# only changed files are written).
if [ "$SAMPLE_RUNS" -gt 0 ]; then
    # On tmpfs like every other site here: the repository's own disk reads
    # slower even from the page cache. Its image cache is made by the first run.
    sample_root="$SHM/forklar-bench-sample"
    rm -rf "$sample_root" && mkdir -p "$sample_root"
    for part in site.toml content templates static; do
        [ -e "$REPO/$part" ] && cp -r "$REPO/$part" "$sample_root/"
    done
    out_s="$SHM/out-sample"
    rm -f "$TMP/sample"
    for ((r = 1; r <= SAMPLE_RUNS; r++)); do
        rm -rf "$out_s"
        measure sample "$TMP/sample.log" "$FORKLAR" build --root "$sample_root" --output "$out_s"
    done
    mapfile -t sw < <(cut -d' ' -f1 "$TMP/sample")
    mapfile -t sm < <(cut -d' ' -f2 "$TMP/sample")
    echo "== sample site ($REPO, copied to $sample_root; $SAMPLE_RUNS runs)"
    mapfile -t sx < <(cut -d' ' -f5 "$TMP/sample")
    echo "forklar: median wall $(median "${sw[@]}") s, median peak RSS $(mib "$(median "${sm[@]}")")   [walls: ${sw[*]}]"
    echo "         from bash around /usr/bin/time (microsecond clock, both programs' start included): median $(median "${sx[@]}") ms   [${sx[*]}]"
    echo "         forklar says: $(grep -m1 '^Built' "$TMP/sample.log" || tail -n1 "$TMP/sample.log")"
    if command -v hyperfine >/dev/null 2>&1; then
        runs=$((SAMPLE_RUNS * 4))
        hyperfine -N --style none --warmup 3 --runs "$runs" --export-json "$TMP/sample-empty.json" \
            --prepare "rm -rf $out_s" "$FORKLAR build --root $sample_root --output $out_s -q" >/dev/null
        hyperfine -N --style none --warmup 3 --runs "$runs" --export-json "$TMP/sample-kept.json" \
            "$FORKLAR build --root $sample_root --output $out_s -q" >/dev/null
        hf_median() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.1f" % (r["median"]*1000))' "$1"; }
        sample_empty_ms=$(hf_median "$TMP/sample-empty.json")
        sample_kept_ms=$(hf_median "$TMP/sample-kept.json")
        echo "         hyperfine -N, $runs runs each, median: into an empty folder $sample_empty_ms ms; over its kept output $sample_kept_ms ms (reused: nothing it reads changed)"
    else
        echo "         hyperfine not installed (apt-get install hyperfine): no exec-to-exit figure"
    fi
    echo
fi

# ---- summary -------------------------------------------------------------------
echo "== summary (medians; ratio < 1 means forklar is faster / smaller)"
printf '%-8s %10s %12s %10s %12s %10s %10s\n' "N" "forklar s" "forklar RSS" "hugo s" "hugo RSS" "wall f/h" "RSS f/h"
printf '%s\n' "${results[@]}"

# ---- full-build targets ------------------------------------------------------------
# verdict NAME VALUE LIMIT : PASS when VALUE <= LIMIT
verdict() {
    awk -v name="$1" -v v="$2" -v l="$3" 'BEGIN { printf "%-58s %10s  (limit %s)  %s\n", name, v, l, (v + 0 <= l + 0) ? "PASS" : "FAIL" }'
}
echo
echo "== full-build targets (medians above)"
echo "wall time per article: $(printf '%s ms at %s; ' $(printf '%s\n' "${per_article[@]}" | awk '{ print $2, $1 }'))"
if [ -n "${hugo_wall_of[10000]:-}" ]; then
    verdict "10,000 articles: wall time / Hugo's" "$(ratio "${wall_of[10000]}" "${hugo_wall_of[10000]}")" 0.10
    verdict "10,000 articles: peak memory / Hugo's" "$(ratio "${rss_of[10000]}" "${hugo_rss_of[10000]}")" 0.03
fi
if [ -n "${rss_of[50000]:-}" ]; then
    verdict "50,000 articles: peak memory, MiB" "$(awk -v k="${rss_of[50000]}" 'BEGIN { printf "%.1f", k / 1024 }')" 250
fi
if [ -n "${wall_of[100000]:-}" ]; then
    verdict "100,000 articles: wall time, s" "${wall_of[100000]}" 15
    verdict "100,000 articles: peak memory, MiB" "$(awk -v k="${rss_of[100000]}" 'BEGIN { printf "%.1f", k / 1024 }')" 400
fi
if [ ${#per_article[@]} -ge 2 ]; then
    # linear: the largest size costs at most a fifth more per article than the smallest
    verdict "per-article time, largest size / smallest" "$(printf '%s\n' "${per_article[@]}" | sort -n | awk 'NR == 1 { a = $2 } { b = $2 } END { printf "%.2f", b / a }')" 1.20
fi
if [ -n "${sample_empty_ms:-}" ]; then
    verdict "the sample site into an empty folder: wall time, ms" "$sample_empty_ms" 10
    verdict "the sample site over its kept output: wall time, ms" "$sample_kept_ms" 10
fi

# ---- rebuilds over an existing output folder, disk and tmpfs ----------------------
if [ "$no_disk" = 0 ]; then
    disk_n=$(printf '%s\n' "${sizes[@]}" | awk '$1 <= 10000' | sort -n | tail -n1)
    [ -n "$disk_n" ] || disk_n=10000
    echo
    hugo_runs="${HUGO_RUNS:-3}"
    [ "$have_hugo" = 1 ] || hugo_runs=0
    FORKLAR="$FORKLAR" RUNS="${DISK_RUNS:-5}" SEED="$SEED" HUGO_RUNS="$hugo_runs" \
        "$BENCH_DIR/disk.sh" "$disk_n"
fi
