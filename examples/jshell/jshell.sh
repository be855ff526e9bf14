#!/usr/bin/env bash
# Opens JShell with delpha-data-sdk and its test harness on the class path and examples/jshell/delpha.jsh loaded.
# Usage: bash examples/jshell/jshell.sh [jshell options]
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/classpath.sh
mvn -B -q -ntp test-compile < /dev/null  # Maven must not eat the session piped into JShell
mkdir -p target
CP="$(test_classpath "$PWD/target/jshell.classpath" < /dev/null)"
exec "${JAVA_HOME:+$JAVA_HOME/bin/}jshell" \
  --class-path "$CP" \
  -R-Ddelpha.cassandra.lib="$CASSANDRA_LIB" -R-Ddelpha.test.work=target/jshell-servers \
  -R-Dlogback.configurationFile=io/delpha/sdk/cli/logback-cli.xml \
  --startup DEFAULT --startup examples/jshell/delpha.jsh "$@"
