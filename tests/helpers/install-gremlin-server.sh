#!/usr/bin/env bash
# Installs Apache TinkerPop Gremlin Server <version> (the distribution zip from Maven Central,
# org.apache.tinkerpop:gremlin-server:<version>:zip:distribution) under the cache directory, once; prints its home.
# The version is the `gremlin` npm driver's (same TinkerPop line as the Lambda's driver).
# Usage: install-gremlin-server.sh <version>   (cache: $GREMLIN_SERVER_CACHE, default ~/.cache/cdp-gremlin-server)
set -euo pipefail
version="${1:?usage: install-gremlin-server.sh <tinkerpop version>}"
cache="${GREMLIN_SERVER_CACHE:-$HOME/.cache/cdp-gremlin-server}"
home="$cache/apache-tinkerpop-gremlin-server-$version"
if [[ -f "$home/lib/gremlin-server-$version.jar" ]]; then
    echo "$home"
    exit 0
fi
mkdir -p "$cache"
zip="$cache/gremlin-server-$version-distribution.zip"
if command -v mvn >/dev/null 2>&1; then
    mvn -q -B dependency:get -Dartifact="org.apache.tinkerpop:gremlin-server:$version:zip:distribution" -Dtransitive=false >&2
    cp "$HOME/.m2/repository/org/apache/tinkerpop/gremlin-server/$version/gremlin-server-$version-distribution.zip" "$zip"
else
    url="https://repo1.maven.org/maven2/org/apache/tinkerpop/gremlin-server/$version/gremlin-server-$version-distribution.zip"
    curl -fsSL -o "$zip" "$url"
    expected="$(curl -fsSL "$url.sha1" | cut -c1-40)"
    echo "$expected  $zip" | sha1sum -c - >&2
fi
tmp="$(mktemp -d "$cache/unzip.XXXXXX")"
unzip -q "$zip" -d "$tmp"
rm -rf "$home"
mv "$tmp/apache-tinkerpop-gremlin-server-$version" "$home"
rm -rf "$tmp" "$zip"
echo "$home"
