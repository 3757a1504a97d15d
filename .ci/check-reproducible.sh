#!/usr/bin/env bash
# Builds the release artifacts twice from clean and fails unless every one is
# byte-for-byte identical: the main, sources and javadoc jars and the CycloneDX
# SBOMs of each module. The second build runs in a copy of the tree at another
# path, with another time zone, umask and locale, so that none of those can
# leak into an artifact (./mvnw sets umask 022 itself: jar entries would
# otherwise carry the permission bits of generated files). Signatures (.asc)
# are not built: -Dgpg.skip.
#
# Usage: .ci/check-reproducible.sh [extra Maven arguments]
# Exit status: 0 identical, 1 some artifact differs, 2 a build failed.
#
# Not in the set: the distribution's tarball, .deb and .rpm (msrsafe-dist). They
# hold a Java runtime made by the build JDK's jlink (another JDK update, another
# runtime) and the JVM's start-up cache from a training run, which the JVM does
# not write byte for byte the same twice. Their jars are the compared ones, and
# the tarball's own layout (names sorted, one time, owner root) is fixed by
# msrsafe-dist/src/build/Assemble.java.
set -euo pipefail
cd "$(dirname "$0")/.."
project=$(pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/msrsafe-repro.XXXXXX")
trap 'rm -rf "$work"' EXIT

build=(-B -q -Prelease -Dgpg.skip -DskipTests "$@" clean verify)

# The artifacts a release publishes (and the benchmarks' jar, if that module
# exists): every msrsafe-* jar and SBOM under a module's target directory.
collect() { # $1 = tree, $2 = destination
    (cd "$1" && find . -path ./.git -prune -o -path '*/target/*' -type f \
        \( -name 'msrsafe-*.jar' -o -name 'msrsafe-*-cyclonedx.json' -o -name 'msrsafe-*-cyclonedx.xml' \) \
        -print) | sort | while read -r file; do
        mkdir -p "$2/$(dirname "$file")"
        cp "$1/$file" "$2/$file"
    done
}

echo "reproducible: first build in $project" >&2
./mvnw "${build[@]}" || exit 2
collect "$project" "$work/first"

# Same sources, another directory; build output and VCS data stay behind.
mkdir "$work/tree"
tar -C "$project" --exclude=./.git --exclude='*/target' --exclude=./target -cf - . | tar -C "$work/tree" -xf -
echo "reproducible: second build in $work/tree (TZ=Pacific/Chatham, umask 077, LC_ALL=C)" >&2
(cd "$work/tree" && umask 077 && export TZ=Pacific/Chatham LC_ALL=C LANG=C && ./mvnw "${build[@]}") || exit 2
collect "$work/tree" "$work/second"

count=$(cd "$work/first" && find . -type f | wc -l)
if [ "$count" -eq 0 ]; then
    echo "reproducible: the first build produced no artifacts to compare" >&2
    exit 2
fi

status=0
while read -r file; do
    if [ ! -f "$work/second/$file" ]; then
        echo "DIFFERS  $file: missing from the second build"
        status=1
    elif cmp -s "$work/first/$file" "$work/second/$file"; then
        echo "same     $(sha256sum "$work/first/$file" | cut -c1-16)  $file"
    else
        echo "DIFFERS  $file"
        status=1
        case "$file" in
            *.jar)  # name the entries that differ, to say where to look
                diff <(unzip -lv "$work/first/$file" | awk 'NR > 3 { print $7, $8, $1 }') \
                     <(unzip -lv "$work/second/$file" | awk 'NR > 3 { print $7, $8, $1 }') | head -20 || true ;;
            *)      diff "$work/first/$file" "$work/second/$file" | head -20 || true ;;
        esac
    fi
done < <(cd "$work/first" && find . -type f | sort)

if [ "$status" -eq 0 ]; then
    echo "reproducible: all $count artifacts are byte-for-byte identical" >&2
else
    echo "reproducible: some artifacts differ (see above)" >&2
fi
exit "$status"
