#!/usr/bin/env bash
# forklar against Hugo on a site of large photos, side by side in one run:
#
#   1. first build (cold cache): wall time and peak memory, forklar and Hugo,
#      the same 5 widths as WebP + JPEG from each photo;
#   2. a repeated build with a warm cache against the same site without
#      images (forklar), median of RUNS;
#   3. forklar serve on that site: one article's text changed, and nothing
#      encoded (the status endpoint's count and the cache folder unchanged);
#   4. with AVIF=1 (builds the `avif` feature): AVIF apart, forklar only
#      (Hugo 0.111 has none), on the first AVIF_LIMIT photos.
#
#   bench/images.sh                 (COUNT photos of 12–24 MP, generated once)
#
# Environment: COUNT (100), RUNS (5, warm builds), AVIF=1, AVIF_LIMIT (5),
# WORK (/dev/shm/forklar-images-bench), PHOTOS (target/images-bench/photos),
# NO_BUILD=1 (use target/release/forklar as it is), FORKLAR_BIN (that binary
# instead), CARGO_TARGET_DIR, HUGO=0 (leave Hugo out: its first build of 100
# photos takes most of an hour on 2 cores).
# Needs: hugo (apt-get install hugo; skipped with a notice if missing),
# /usr/bin/time, curl.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD

COUNT=${COUNT:-100}
RUNS=${RUNS:-5}
AVIF_LIMIT=${AVIF_LIMIT:-5}
WORK=${WORK:-/dev/shm/forklar-images-bench}
PHOTOS=${PHOTOS:-$repo/target/images-bench/photos}
WIDTHS=(480 800 1200 1600 2000)

say() { echo "$@" >&2; }
# With HUGO=0 Hugo is left out, as if it were not installed.
have_hugo() { [ "${HUGO:-1}" != 0 ] && command -v hugo > /dev/null; }
target=${CARGO_TARGET_DIR:-target}

if [ -n "${FORKLAR_BIN:-}" ]; then
    NO_BUILD=1
elif [ "${NO_BUILD:-}" != 1 ]; then
    say "== cargo build --release (forklar, images_bench)"
    # AVIF=1 builds the `avif` feature (rav1e; minutes more to compile).
    cargo build --release --bin forklar --example images_bench \
        ${AVIF:+--features avif} >&2
fi
mkdir -p "$WORK/bin"
cp "${FORKLAR_BIN:-$target/release/forklar}" "$WORK/bin/forklar"
forklar=$WORK/bin/forklar

say "== $COUNT photos in $PHOTOS (generated once)"
"$target/release/examples/images_bench" gen "$PHOTOS" "$COUNT" 2>/dev/null
photos=()
while IFS= read -r p; do photos+=("$p"); done < <(ls "$PHOTOS"/*.jpg | sort | head -n "$COUNT")

site=$WORK/forklar-site
plain=$WORK/forklar-plain
hugo_site=$WORK/hugo-site

# --- the sites -------------------------------------------------------------
rm -rf "$site" "$plain" "$hugo_site"
mkdir -p "$site/content" "$site/static/photos" "$plain/content" \
    "$hugo_site/content" "$hugo_site/assets/photos" "$hugo_site/layouts/_default"
site_toml='title = "Bildebenk"
description = "Store bilder"
base_url = "https://bench.example.org/"
language = "nb"
'
# WebP + the JPEG fallback at the 5 widths, as Hugo is asked for below; no
# crops, no share image, no AVIF (Hugo 0.111 has none).
printf '%s\n[images]\navif = false\ncrops = []\nshare = false\n' "$site_toml" > "$site/site.toml"
printf '%s' "$site_toml" > "$plain/site.toml"
body='Protestene begynte i Zjanaozen og spredte seg til Almaty. Regjeringen gikk av, og nødstilstand ble innført.'
i=0
for photo in "${photos[@]}"; do
    name=$(basename "$photo")
    n=$(printf '%03d' "$i")
    cp "$photo" "$site/static/photos/$name"
    cp "$photo" "$hugo_site/assets/photos/$name"
    printf '+++\ntitle = "Bilde %s"\ndate = 2022-01-06\n\n[image]\nfile = "/photos/%s"\nalt = "Generert foto %s"\ncredit = "Foto: Benk"\n+++\n\n%s\n' \
        "$n" "$name" "$n" "$body" > "$site/content/bilde-$n.md"
    printf '+++\ntitle = "Bilde %s"\ndate = 2022-01-06\n+++\n\n%s\n' "$n" "$body" > "$plain/content/bilde-$n.md"
    printf -- '---\ntitle: "Bilde %s"\ndate: 2022-01-06\nimage: "photos/%s"\n---\n\n%s\n' \
        "$n" "$name" "$body" > "$hugo_site/content/bilde-$n.md"
    i=$((i + 1))
done
cat > "$hugo_site/hugo.toml" <<'EOF'
baseURL = "https://bench.example.org/"
languageCode = "nb"
title = "Bildebenk"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
[imaging]
quality = 80
resampleFilter = "Lanczos"
EOF
# The same files as forklar: each width as WebP (quality 78, forklar's
# default) and as JPEG (quality 80), in a <picture> with width and height.
cat > "$hugo_site/layouts/_default/single.html" <<'EOF'
<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main><h1>{{ .Title }}</h1>
{{ with resources.Get .Params.image }}{{ $img := . }}
{{ $webp := slice }}{{ $jpeg := slice }}
{{ range slice 480 800 1200 1600 2000 }}{{ if le . $img.Width }}
{{ $w := $img.Resize (printf "%dx webp q78" .) }}{{ $j := $img.Resize (printf "%dx q80" .) }}
{{ $webp = $webp | append (printf "%s %dw" $w.RelPermalink .) }}{{ $jpeg = $jpeg | append (printf "%s %dw" $j.RelPermalink .) }}
{{ end }}{{ end }}
{{ $src := $img.Resize "1200x q80" }}
<picture><source type="image/webp" srcset="{{ delimit $webp ", " }}">
<img src="{{ $src.RelPermalink }}" srcset="{{ delimit $jpeg ", " }}" width="{{ $src.Width }}" height="{{ $src.Height }}" alt=""></picture>
{{ end }}
{{ .Content }}</main></body></html>
EOF
cat > "$hugo_site/layouts/index.html" <<'EOF'
<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>{{ .Site.Title }}</title></head>
<body><main><ul>{{ range .Site.RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></main></body></html>
EOF
cp "$hugo_site/layouts/index.html" "$hugo_site/layouts/_default/list.html"

# --- measuring -------------------------------------------------------------
# `timed LABEL CMD…`: wall milliseconds (from bash's microsecond clock), peak
# RSS in MB and CPU seconds, user + system (from /usr/bin/time), one line.
# CPU seconds are the fairer comparison when other work shares the machine.
timed() {
    local label=$1; shift
    local start end
    start=$EPOCHREALTIME
    /usr/bin/time -f '%M %U %S' -o "$WORK/time.txt" "$@" > "$WORK/cmd.out" 2>&1 || {
        cat "$WORK/cmd.out" >&2; exit 1; }
    end=$EPOCHREALTIME
    local ms=$(( (${end/./} - ${start/./}) / 1000 ))
    local kb user sys; read -r kb user sys < <(tail -1 "$WORK/time.txt")
    last_cpu=$(awk "BEGIN { printf \"%.1f\", $user + $sys }")
    printf '%-46s %9d ms %6d MB %8s CPU-s\n' "$label" "$ms" "$((kb / 1024))" "$last_cpu"
    last_ms=$ms
}
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "== machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) at start"
echo "== $COUNT photos, $(du -ch "${photos[@]}" | tail -1 | cut -f1); forklar $(sha256sum "$forklar" | cut -c1-12); $(hugo version 2>/dev/null | cut -d' ' -f1-2 || echo 'hugo: not installed')"
echo "== each photo: ${WIDTHS[*]} px wide, WebP (q78) + JPEG (q80)"
echo

echo "-- 1. first build, empty cache"
rm -rf "$site/.forklar-cache" "$WORK/out-forklar"
timed "forklar build (cold)" "$forklar" build --root "$site" --output "$WORK/out-forklar"
forklar_cold=$last_ms
forklar_cold_cpu=$last_cpu
grep -i "built\|image" "$WORK/cmd.out" | sed 's/^/   /' || true
forklar_files=$(find "$WORK/out-forklar" -name '*.webp' -o -name '*.jpg' | wc -l)
echo "   forklar wrote $forklar_files image files ($(du -sh "$WORK/out-forklar" | cut -f1))"
if have_hugo; then
    rm -rf "$hugo_site/resources" "$WORK/hugo-cache" "$WORK/out-hugo" "$hugo_site/.hugo_build.lock"
    timed "hugo (cold)" hugo --quiet --source "$hugo_site" --destination "$WORK/out-hugo" \
        --cacheDir "$WORK/hugo-cache"
    hugo_cold=$last_ms
    hugo_cold_cpu=$last_cpu
    hugo_files=$(find "$WORK/out-hugo" -name '*.webp' -o -name '*.jpg' | wc -l)
    echo "   hugo wrote $hugo_files image files ($(du -sh "$WORK/out-hugo" | cut -f1))"
    echo "   forklar/hugo wall time: $(awk "BEGIN {printf \"%.2f\", $forklar_cold / $hugo_cold}"), CPU time: $(awk "BEGIN {printf \"%.2f\", $forklar_cold_cpu / $hugo_cold_cpu}")"
else
    if [ "${HUGO:-1}" = 0 ]; then echo "   hugo left out (HUGO=0)"; else echo "   hugo not installed: apt-get install hugo"; fi
fi
echo "   load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

echo "-- 2. repeated build, warm cache, against the site without images (median of $RUNS)"
warm=(); bare=(); warm_kept=(); bare_kept=()
for _ in $(seq "$RUNS"); do
    rm -rf "$WORK/out-forklar"
    timed "forklar build (warm cache, empty output)" "$forklar" build --root "$site" --output "$WORK/out-forklar" > /dev/null
    warm+=("$last_ms")
    timed "forklar build (warm cache, output kept)" "$forklar" build --root "$site" --output "$WORK/out-forklar" > /dev/null
    warm_kept+=("$last_ms")
    rm -rf "$WORK/out-plain"
    timed "forklar build (no images, empty output)" "$forklar" build --root "$plain" --output "$WORK/out-plain" > /dev/null
    bare+=("$last_ms")
    timed "forklar build (no images, output kept)" "$forklar" build --root "$plain" --output "$WORK/out-plain" > /dev/null
    bare_kept+=("$last_ms")
done
w=$(median "${warm[@]}"); k=$(median "${warm_kept[@]}"); b=$(median "${bare[@]}")
bk=$(median "${bare_kept[@]}")
echo "   warm cache, empty output: $w ms (runs: ${warm[*]})"
echo "   warm cache, output kept:  $k ms (runs: ${warm_kept[*]})"
echo "   no images, empty output:  $b ms (runs: ${bare[*]})"
echo "   no images, output kept:   $bk ms (runs: ${bare_kept[*]})"
echo "   added by images: $((w - b)) ms (empty output), $((k - bk)) ms (output kept)"
echo "   (output kept: nothing the build reads changed, so it reuses the output and renders nothing)"
for added in $((w - b)) $((k - bk)); do
    if [ "$added" -lt 50 ]; then echo "   PASS  added by images $added ms < 50"; else echo "   FAIL  added by images $added ms ≥ 50"; fi
done
if have_hugo; then
    rm -rf "$WORK/out-hugo"
    timed "hugo (warm resources/_gen)" hugo --quiet --source "$hugo_site" --destination "$WORK/out-hugo" \
        --cacheDir "$WORK/hugo-cache"
fi
echo

echo "-- 3. forklar serve: one article's text changed"
port=$((20000 + RANDOM % 20000))
"$forklar" serve --root "$site" --port "$port" > "$WORK/serve.out" 2>&1 &
serve_pid=$!
trap 'kill "$serve_pid" 2>/dev/null || true' EXIT
status() { curl -sf "http://127.0.0.1:$port/__forklar/status" || echo '{}'; }
field() { status | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }
for _ in $(seq 600); do
    [ "$(field images_pending)" = 0 ] && grep -q '^Serving' "$WORK/serve.out" && break
    sleep 0.5
done
sleep 1
cache_before=$(find "$site/.forklar-cache" -type f -printf '%p %T@\n' | sort | sha256sum)
encoded_before=$(field images_encoded)
printf '\nEn ny setning.\n' >> "$site/content/bilde-007.md"
for _ in $(seq 100); do
    grep -q '^Rebuilt content/bilde-007.md' "$WORK/serve.out" && break
    sleep 0.1
done
sleep 1
grep '^Rebuilt content/bilde-007.md' "$WORK/serve.out" | sed 's/^/   /'
cache_after=$(find "$site/.forklar-cache" -type f -printf '%p %T@\n' | sort | sha256sum)
echo "   variants encoded by serve: $encoded_before before the edit, $(field images_encoded) after; pending $(field images_pending)"
if [ "$cache_before" = "$cache_after" ]; then
    echo "   .forklar-cache: unchanged"
else
    echo "   .forklar-cache: CHANGED"
fi
kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true
trap - EXIT
echo

if [ "${AVIF:-}" = 1 ] && [ "$AVIF_LIMIT" -gt 0 ]; then
    echo "-- 4. AVIF apart: forklar, first $AVIF_LIMIT photos, AVIF + WebP + JPEG, cold"
    avif=$WORK/forklar-avif
    rm -rf "$avif"; mkdir -p "$avif/content" "$avif/static/photos"
    printf '%s\n[images]\ncrops = []\nshare = false\n' "$site_toml" > "$avif/site.toml"
    for n in $(seq -f '%03g' 0 $((AVIF_LIMIT - 1))); do
        cp "$site/content/bilde-$n.md" "$avif/content/"
        name=$(sed -n 's|^file = "/photos/\(.*\)"|\1|p' "$avif/content/bilde-$n.md")
        cp "$site/static/photos/$name" "$avif/static/photos/"
    done
    timed "forklar build (cold, with AVIF)" "$forklar" build --root "$avif" --output "$WORK/out-avif"
    echo "   $(find "$WORK/out-avif" -name '*.avif' | wc -l) AVIF files"
fi
echo "== load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
