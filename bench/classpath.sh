# Sourced by the benchmark scripts: the class path of the tests (every module's classes, the tests' and benchmarks'
# classes of integration-tests, every test-scope jar), after `mvn test-compile`. The modules are the reactor's
# folders (<module>/target/classes), as the tests see them.
#   test_classpath FILE   prints the class path, keeping Maven's part in FILE
test_classpath() {
  # test-compile in the same run: without a build phase, Maven 3 resolves the reactor's modules to the jars some
  # earlier `mvn install` left in ~/.m2 (stale, or absent), not to <module>/target/classes
  mvn -B -q -ntp -Dstyle.color=never -pl integration-tests -am test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$1" > /dev/null
  echo "$PWD/integration-tests/target/test-classes:$(cat "$1")"
}
# the Cassandra server's jars the build resolved for the tests
CASSANDRA_LIB="$PWD/integration-tests/target/cassandra-server/lib"
