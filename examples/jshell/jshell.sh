#!/usr/bin/env bash
# Opens JShell with delpha-data-sdk and its test harness on the class path and examples/jshell/delpha.jsh loaded.
# Usage: bash examples/jshell/jshell.sh [jshell options]
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -q -ntp test-compile dependency:build-classpath -Dmdep.outputFile=target/jshell.classpath -Dmdep.includeScope=test < /dev/null  # Maven must not eat the session piped into JShell
exec "${JAVA_HOME:+$JAVA_HOME/bin/}jshell" \
  --class-path "target/classes:target/test-classes:$(cat target/jshell.classpath)" \
  -R-Ddelpha.cassandra.lib=target/cassandra-server/lib -R-Ddelpha.test.work=target/jshell-servers \
  -R-Dlogback.configurationFile=io/delpha/sdk/cli/logback-cli.xml \
  --startup DEFAULT --startup examples/jshell/delpha.jsh "$@"
