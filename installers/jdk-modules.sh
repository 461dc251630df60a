#!/usr/bin/env bash
# Prints the JDK modules (java.*, jdk.*) that the jars in <folder> use, one a line, according to jdeps.
# Every jar is read as plain classes: a modular jar's module-info would make jdeps demand its optional
# dependencies as modules. What only reflection or services reach (java.net.http's HTTP/2, TLS ciphers in
# jdk.crypto.ec, the zip file system) cannot show up here: installers/pom.xml adds those by hand.
# Usage: installers/jdk-modules.sh installers/target/input
set -euo pipefail
jars="${1:?usage: jdk-modules.sh <folder of jars>}"
classes="$(mktemp -d)"
trap 'rm -rf "$classes"' EXIT
for jar in "$jars"/*.jar; do
  unzip -qo "$jar" '*.class' -x 'module-info.class' 'META-INF/*' -d "$classes" 2>/dev/null || true
done
jdeps --ignore-missing-deps -summary "$classes" | grep -oE -- '-> (java|jdk)\.[A-Za-z0-9.]+' | sed 's/^-> //' | sort -u
