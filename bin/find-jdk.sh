# Sourced (not run) by ./mvnw and bin/msrsafe: finds a JDK new enough for
# msrsafe-java, whatever `java` on the PATH is. The JDK is the first of
# $MSRSAFE_JAVA_HOME, $JAVA_HOME, or the newest under /usr/lib/jvm, /usr/java,
# /opt/java, /opt that is new enough. POSIX sh; defines functions only.

# Feature release of the JDK at $1 (e.g. 25), or nothing if it is not a JDK.
jdk_feature() {
    [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
    if [ -f "$1/release" ]; then
        sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release"
    else
        "$1/bin/java" -XshowSettings:properties -version 2>&1 \
            | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'
    fi
}

# Prints the home of a JDK whose feature release is at least $1; returns 1 if none.
find_jdk() {
    min_feature=$1
    for candidate in "${MSRSAFE_JAVA_HOME:-}" "${JAVA_HOME:-}"; do
        [ -n "$candidate" ] || continue
        feature=$(jdk_feature "$candidate")
        if [ -n "$feature" ] && [ "$feature" -ge "$min_feature" ]; then
            echo "$candidate"; return 0
        fi
    done
    best=; best_feature=0
    for candidate in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/*jdk*; do
        [ -d "$candidate" ] || continue
        feature=$(jdk_feature "$candidate")
        if [ -n "$feature" ] && [ "$feature" -ge "$min_feature" ] && [ "$feature" -gt "$best_feature" ]; then
            best=$candidate; best_feature=$feature
        fi
    done
    [ -n "$best" ] && echo "$best"
}

# The message for when find_jdk found nothing; $1 is the minimum feature release.
no_jdk_message() {
    echo "no JDK $1 or newer found (looked at \$MSRSAFE_JAVA_HOME, \$JAVA_HOME, /usr/lib/jvm, /usr/java, /opt/java, /opt).
  msrsafe-java uses java.lang.foreign, final in Java $1. Install one (e.g. 'apt-get install openjdk-25-jdk-headless'
  or a Temurin JDK) and either put it under /usr/lib/jvm or set JAVA_HOME to it."
}
