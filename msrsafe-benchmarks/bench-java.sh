# Sourced (not run) by run-benchmarks.sh and smoke.sh: sets $project, $jar, and
# $java / $java_opts to a JDK new enough for msrsafe-java (the one ./mvnw uses),
# whatever `java` on the PATH is. POSIX sh.

project=$(cd "$(dirname "$0")/.." && pwd)
jar="$project/msrsafe-benchmarks/target/msrsafe-benchmarks.jar"

# jdk_feature, find_jdk, no_jdk_message: shared with ./mvnw.
. "$project/bin/find-jdk.sh"
min_jdk=$(sed -n 's/^jdk\.minimum=//p' "$project/.mvn/build.properties" | tr -d '\r')
jdk=$(find_jdk "$min_jdk") || true
if [ -z "$jdk" ]; then
    no_jdk_message "$min_jdk" >&2
    exit 1
fi
java="$jdk/bin/java"
# The benchmarks link native code; JMH 1.37 uses sun.misc.Unsafe, which JDK 24+ warns about.
java_opts="--enable-native-access=ALL-UNNAMED"
if [ "$(jdk_feature "$jdk")" -ge 24 ]; then
    java_opts="$java_opts --sun-misc-unsafe-memory-access=allow"
fi
