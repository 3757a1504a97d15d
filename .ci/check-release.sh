#!/usr/bin/env bash
# Builds what `./mvnw -Prelease deploy` would publish, without keys and without
# uploading, and checks it against Maven Central's requirements:
#   1. `./mvnw -Prelease -Dgpg.skip verify` (no keys): javadoc with doclint on
#      everything, where any javadoc warning fails the build; sources and javadoc
#      jars and a CycloneDX SBOM (JSON and XML) per published module.
#   2. .ci/CheckRelease.java: the POM metadata Central validates (name,
#      description, url, license, developer, scm), every artifact present, the
#      sources and javadoc jars complete, the SBOMs naming the runtime
#      dependencies, and modules that set msrsafe.publish.skip left out.
#   3. A plain build (no profile) deployed to a throwaway file repository holds
#      each published module's jar with its sources and javadoc jars: what
#      `./mvnw install` puts in ~/.m2 for IDEs and jshell.
#   4. If gpg is installed: `-Prelease deploy` in a copy of the tree at the
#      release version, signed with a throwaway key made for this run, with the
#      upload skipped; the Central bundle it leaves must hold exactly the
#      published modules, each file with a signature that verifies and its
#      checksums. So signing and bundling are known to work before a
#      maintainer runs them with the real key.
# Usage: .ci/check-release.sh [extra Maven arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -B --no-transfer-progress -Prelease -Dgpg.skip -DskipTests "$@" clean verify
./mvnw -B -q -Prelease help:effective-pom -Doutput=target/effective-pom-release.xml >/dev/null

. bin/find-jdk.sh
jdk=$(find_jdk 22) || { no_jdk_message 22 >&2; exit 1; }
"$jdk/bin/java" .ci/CheckRelease.java . target/effective-pom-release.xml

# `install` (any build, not only -Prelease) publishes the sources and javadoc jars with
# each published jar: deploy the plain build to a throwaway file repository (nothing
# goes to ~/.m2) and look at what arrived. The distribution is left out: it is not
# a Maven artifact anyone depends on, and building it is slow.
plain=$(mktemp -d "${TMPDIR:-/tmp}/msrsafe-install.XXXXXX")
./mvnw -B -q -DskipTests -Dmaven.install.skip=true -pl '!msrsafe-dist,!msrsafe-benchmarks' \
    -DaltDeploymentRepository="check::file://$plain" "$@" deploy
install_status=0
for module in $(sed -n 's:.*<module>\(.*\)</module>.*:\1:p' pom.xml); do
    grep -q '<msrsafe.publish.skip>true</msrsafe.publish.skip>' "$module/pom.xml" && continue
    files=$(cd "$plain/io/github/msrsafe/$module"/*/ 2>/dev/null && ls || true)
    # The main jar's name ends in the version or snapshot build number: ...-0.2.0.jar, ...-1.jar.
    for kind in '[0-9]\.jar' '-sources\.jar' '-javadoc\.jar'; do
        what=$(echo "$kind" | tr -d '\\' | sed 's/^\[0-9\]/main /; s/^-//')
        if echo "$files" | grep -q -E -- "^$module-.*$kind\$"; then
            echo "ok      $module: a plain install publishes its $what"
        else
            echo "FAILED  $module: a plain install publishes no $what"
            install_status=1
        fi
    done
done
rm -rf "$plain"
[ "$install_status" -eq 0 ] || exit 1

if ! command -v gpg >/dev/null 2>&1; then
    echo "check-release: gpg is not installed; signing not exercised (step 4 skipped)" >&2
    exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/msrsafe-release.XXXXXX")
GNUPGHOME="$work/gnupg"
export GNUPGHOME
mkdir -m 700 "$GNUPGHOME"
trap 'gpgconf --kill gpg-agent >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
gpg --batch --quiet --passphrase '' --quick-gen-key 'msrsafe-java CI throwaway key <ci@example.invalid>' ed25519 sign 1d

# The Central bundle `-Prelease deploy` would upload, made but not uploaded
# (-DskipUpload=true), from a copy of the tree whose version has no -SNAPSHOT
# (snapshots bypass the bundle), and nothing installed in ~/.m2.
mkdir "$work/tree"
tar --exclude=./.git --exclude='*/target' --exclude=./target -cf - . | tar -C "$work/tree" -xf -
find "$work/tree" -name pom.xml -exec sed -i 's/\(<version>[0-9][0-9.]*\)-SNAPSHOT</\1</' {} +
(cd "$work/tree" && ./mvnw -B -q -Prelease -DskipTests -Dmaven.install.skip=true -DskipUpload=true "$@" deploy)
bundle="$work/tree/target/central-publishing/central-bundle.zip"
[ -f "$bundle" ] || { echo "FAILED  no Central bundle at $bundle"; exit 1; }
mkdir "$work/bundle"
(cd "$work/bundle" && "$jdk/bin/jar" xf "$bundle")

status=0
check() { if eval "$2"; then echo "ok      $1"; else echo "FAILED  $1"; status=1; fi; }
# Modules in the bundle: exactly those that do not set msrsafe.publish.skip, and the parent.
expected=$( (echo msrsafe-parent
             for module in $(sed -n 's:.*<module>\(.*\)</module>.*:\1:p' pom.xml); do
                 grep -q '<msrsafe.publish.skip>true</msrsafe.publish.skip>' "$module/pom.xml" || echo "$module"
             done) | sort)
bundled=$(cd "$work/bundle/io/github/msrsafe" && ls | sort)
check "the bundle holds exactly: $(echo $expected)" '[ "$expected" = "$bundled" ]'
for module in $bundled; do
    dir=$(echo "$work/bundle/io/github/msrsafe/$module"/*)
    files=$(cd "$dir" && ls | grep -v -E '\.(asc|md5|sha1|sha256|sha512)$' || true)
    wanted="pom cyclonedx.json cyclonedx.xml"
    [ "$module" = msrsafe-parent ] || wanted="$wanted jar sources.jar javadoc.jar"
    for kind in $wanted; do
        check "$module: bundle has its $kind" 'echo "$files" | grep -q -E -- "-[0-9][0-9.]*(-$kind|\\.$kind)$"'
    done
    for file in $files; do
        check "$module: $file signed (verified) with checksums" \
            '[ -f "$dir/$file.md5" ] && [ -f "$dir/$file.sha1" ] && gpg --batch --quiet --verify "$dir/$file.asc" "$dir/$file" 2>/dev/null'
    done
done
if [ "$status" -eq 0 ]; then
    echo "check-release: the Central bundle is complete and every file in it is signed" >&2
fi
exit "$status"
