#!/bin/sh
# delpha: the delpha-data-sdk command line. This file is a shell script followed by a jar.
exec java ${DELPHA_JAVA_OPTS:-} -jar "$0" "$@"
exit 1
