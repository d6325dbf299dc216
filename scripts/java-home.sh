# Sourced by ./director, ./mvnw and .ci/run: points JAVA_HOME at a JDK >= 21.
# Order: JAVA_HOME when it is new enough, then the newest JDK under /usr/lib/jvm, then java on PATH.

director_java_major() { # prints the major version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}

director_find_java_home() { # runs in a subshell: globbing may be off in the caller (mvnw uses set -f)
  set +f
  local candidate major best="" best_major=0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$(director_java_major "$JAVA_HOME/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then echo "$JAVA_HOME"; return 0; fi
  fi
  for candidate in /usr/lib/jvm/*; do
    [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(director_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then best="$candidate"; best_major=$major; fi
  done
  if [ -n "$best" ]; then echo "$best"; return 0; fi
  if command -v javac >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    major=$(director_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then echo "$candidate"; return 0; fi
  fi
  return 1
}

if ! DIRECTOR_JAVA_HOME=$(director_find_java_home); then
  echo "director: no JDK 21 or newer found (looked at JAVA_HOME, /usr/lib/jvm/*, PATH); install one, e.g. apt-get install openjdk-21-jdk-headless, or set JAVA_HOME" >&2
  exit 1
fi
export JAVA_HOME="$DIRECTOR_JAVA_HOME"
# Maven's own dependencies (Guice) use sun.misc.Unsafe; JDK 24+ warns about it on every build.
if [ "$(director_java_major "$JAVA_HOME/bin/java")" -ge 24 ] 2>/dev/null; then
  case " ${MAVEN_OPTS:-} " in
    *sun-misc-unsafe-memory-access*) ;;
    *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;;
  esac
fi
